"""What maintenance turns away: every request (the default), only some methods (read-only
maintenance), only some paths, or both. Written once for every front door; each door turns
the scope into its own conditions. CDK-free, so the tools read it too.

Path patterns are one language on every door: an exact path (``/cart``), or a prefix ending in
``/*``-style ``*`` (``/checkout/*``: every path that starts with ``/checkout/``). Both are
case-sensitive, as an ALB compares them. The ALB also takes its other wildcards (``*`` inside a
pattern, ``?``); the WAF and function doors refuse those, since they compare prefixes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .errors import MaintenanceConfigError
from .response import DEFAULT_JSON_BODY, MaintenanceResponse
from .scope_paths import check_scope_path, check_scope_under_bypass
from .shared import path_problem

__all__ = [
    "EVERY_METHOD",
    "EVERY_REQUEST",
    "READ_ONLY",
    "MaintenanceScope",
    "PathPattern",
    "ScopeDoor",
    "default_response",
    "maintenance_scope",
    "scope_from_metadata",
]

EVERY_METHOD: tuple[str, ...] = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
"""The HTTP methods a scope can name: those CloudFront forwards (an ALB alone takes more, but a
scope means the same on every door)."""
READ_ONLY: tuple[str, ...] = ("POST", "PUT", "PATCH", "DELETE")
"""``methods=READ_ONLY``: writes are turned away, ``GET``, ``HEAD`` and ``OPTIONS`` (CORS
preflight) reach the app."""

ScopeDoor = Literal["alb", "waf", "function"]
_PREFIX_DOORS = {"waf": "a WAF rule", "function": "the function"}


@dataclass(frozen=True)
class PathPattern:
    """One ``paths=`` pattern as the prefix-matching doors read it: ``text`` is the pattern as
    given; ``prefix`` is True for ``/checkout/*`` (``value`` is then ``/checkout/``), False for
    an exact path (``value`` is the path)."""

    text: str
    value: str
    prefix: bool

    def matches(self, path: str) -> bool:
        """Whether ``path`` (already normalized) is under this pattern."""
        return path.startswith(self.value) if self.prefix else path == self.value


@dataclass(frozen=True)
class MaintenanceScope:
    """The requests maintenance turns away. ``methods`` None: every method; ``paths`` None:
    every path. Both given: only those methods on those paths."""

    methods: tuple[str, ...] | None = None
    paths: tuple[str, ...] | None = None

    @property
    def partial(self) -> bool:
        """Whether some requests are outside the scope (and reach the app during maintenance)."""
        return self.methods is not None or self.paths is not None

    @property
    def read_only(self) -> bool:
        """Whether the methods are exactly :data:`READ_ONLY`."""
        return self.methods is not None and set(self.methods) == set(READ_ONLY)

    def metadata(self) -> dict[str, list[str] | None]:
        """The scope as construct metadata, for the tools (:func:`scope_from_metadata`)."""
        return {
            "methods": None if self.methods is None else list(self.methods),
            "paths": None if self.paths is None else list(self.paths),
        }

    def covers(self, method: str, path: str) -> bool:
        """Whether a request is in scope; ``path`` as the door compares it (an ALB pattern's
        ``*`` matches any run of characters and ``?`` one, as the ALB reads them)."""
        if self.methods is not None and method not in self.methods:
            return False
        return self.paths is None or any(_glob(p).fullmatch(path) for p in self.paths)

    def patterns(self) -> tuple[PathPattern, ...]:
        """The path patterns as prefixes and exact paths (every pattern the prefix doors take);
        empty when the scope covers every path."""
        return tuple(_pattern(p) for p in self.paths or ())

    @property
    def summary(self) -> str:
        """The scope in a few words, as the default JSON body's ``scope`` says it: ``writes``,
        ``requests to /checkout/*``, ``writes to /checkout/*``, ``POST requests``; ``every
        request`` when nothing is left out."""
        if self.methods is None:
            what = "requests" if self.paths is not None else "every request"
        elif self.read_only:
            what = "writes"
        else:
            what = "/".join(self.methods) + " requests"
        if self.paths is None:
            return what
        shown = ", ".join(self.paths[:_SHOWN_PATHS])
        more = len(self.paths) - _SHOWN_PATHS
        return f"{what} to {shown}" + (f" and {more} more paths" if more > 0 else "")

    @property
    def words(self) -> str:
        """What a reader of ``preview`` needs: what is turned away, and what still reaches the
        app."""
        if not self.partial:
            return "every request is turned away"
        if self.methods is not None and self.paths is not None:
            kept = "every other request reaches the app"
        elif self.methods is not None:
            others = [m for m in EVERY_METHOD if m not in self.methods]
            kept = ("reads" if self.read_only else "/".join(others)) + " reach the app"
        else:
            kept = "other paths reach the app"
        return f"{self.summary} turned away; {kept}"


_SHOWN_PATHS = 3
"""Paths the summary names before it counts the rest (the body stays small)."""
EVERY_REQUEST = MaintenanceScope()
"""The default scope: every request is turned away."""


def maintenance_scope(
    *,
    methods: Sequence[str] | None,
    paths: Sequence[str] | None,
    door: ScopeDoor,
    bypass_paths: Sequence[str] = (),
) -> MaintenanceScope:
    """``methods=`` and ``paths=`` checked for one kind of front door (and against its
    ``bypass_paths``); a clear error naming the parameter, the value and the fix for anything
    the door cannot express exactly, or that would turn nothing away."""
    scope = MaintenanceScope(
        methods=None if methods is None else _methods(methods),
        paths=None if paths is None else _paths(paths, door),
    )
    check_scope_under_bypass(scope.paths or (), bypass_paths, door)
    return scope


def scope_from_metadata(data: object) -> MaintenanceScope:
    """The scope a construct recorded (:data:`~maintenance_constructs.shared.SCOPE_METADATA_TYPE`
    with :meth:`MaintenanceScope.metadata`); the whole scope when there is no record."""
    if not isinstance(data, dict):
        return EVERY_REQUEST
    methods, paths = data.get("methods"), data.get("paths")
    return MaintenanceScope(
        methods=None if methods is None else tuple(str(m) for m in methods),
        paths=None if paths is None else tuple(str(p) for p in paths),
    )


def default_response(scope: MaintenanceScope) -> MaintenanceResponse:
    """The answer when ``response`` is not given: :data:`DEFAULT_JSON_BODY`, with a ``scope``
    that names what is unavailable when the scope is partial."""
    if not scope.partial:
        return MaintenanceResponse.json()
    return MaintenanceResponse.json({**DEFAULT_JSON_BODY, "scope": scope.summary})


def _sequence(values: object, parameter: str, example: str) -> list[object]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise MaintenanceConfigError(
            f"{parameter}: received {values!r}, not a list; pass a list such as {example}, or "
            "None (the default) for every one."
        )
    if not values:
        raise MaintenanceConfigError(
            f"{parameter}: received {values!r}, an empty list, which would turn nothing away while "
            f"maintenance is on; pass the ones to turn away (e.g. {example}), None for every "
            "one, or enabled=False to leave maintenance off."
        )
    return list(values)


def _methods(values: Sequence[str]) -> tuple[str, ...]:
    methods: list[str] = []
    for method in _sequence(values, "methods", "READ_ONLY"):
        if not isinstance(method, str) or method not in EVERY_METHOD:
            hint = ""
            if isinstance(method, str) and method.strip().upper() in EVERY_METHOD:
                hint = f" (write {method.strip().upper()!r}: methods are upper-case, as sent)"
            raise MaintenanceConfigError(
                f"methods: {method!r} is not an HTTP method every front door can match{hint}; "
                f"use {', '.join(EVERY_METHOD)}, or READ_ONLY for {', '.join(READ_ONLY)}."
            )
        if method in methods:
            raise MaintenanceConfigError(
                f"methods: {method!r} is listed twice in {list(values)!r}; list each method once."
            )
        methods.append(method)
    if ("GET" in methods) != ("HEAD" in methods):
        named, other = ("GET", "HEAD") if "GET" in methods else ("HEAD", "GET")
        raise MaintenanceConfigError(
            f"methods: {list(values)!r} names {named} but not {other}; a HEAD is a GET without "
            f"the body, and a door that turns one away should turn away both: add {other!r}, "
            f"or drop {named!r}."
        )
    if set(methods) == set(EVERY_METHOD):
        raise MaintenanceConfigError(
            f"methods: {list(values)!r} names every method, which is the default; leave "
            "methods=None (every request is turned away), or drop the methods to let through."
        )
    return tuple(methods)


def _paths(values: Sequence[str], door: ScopeDoor) -> tuple[str, ...]:
    given = _sequence(values, "paths", "['/checkout/*']")
    if any(not isinstance(p, str) for p in given):
        bad = next(p for p in given if not isinstance(p, str))
        raise MaintenanceConfigError(
            f"paths: {bad!r} is not a path pattern; pass strings such as '/checkout/*'."
        )
    paths: list[str] = []
    for path in (str(p) for p in given):
        problem = path_problem(path)
        if problem:
            raise MaintenanceConfigError(
                f"paths: {path!r} {problem}. Write a URL path such as '/cart' or a prefix such "
                "as '/checkout/*'."
            )
        check_scope_path(path)
        if path in paths:
            raise MaintenanceConfigError(
                f"paths: {path!r} is listed twice in {list(values)!r}; list each pattern once."
            )
        paths.append(path)
    if door in _PREFIX_DOORS:
        for path in paths:
            _pattern(path, door=door)
    return tuple(paths)


def _pattern(path: str, *, door: ScopeDoor | None = None) -> PathPattern:
    body = path[:-1] if path.endswith("*") else path
    if "*" in body or "?" in body:
        where = _PREFIX_DOORS.get(door or "waf", "this front door")
        raise MaintenanceConfigError(
            f"paths: {path!r} has a wildcard that {where} cannot match exactly (it compares "
            "exact paths and prefixes); use an exact path ('/cart') or a prefix ending in '*' "
            "('/checkout/*'), or AlbMaintenance, whose path patterns take '*' and '?' anywhere."
        )
    return PathPattern(text=path, value=body, prefix=path.endswith("*"))


def _glob(pattern: str) -> re.Pattern[str]:
    """An ALB path pattern as a regular expression: ``*`` any run, ``?`` one character."""
    return re.compile("".join({"*": ".*", "?": "."}.get(c, re.escape(c)) for c in pattern))
