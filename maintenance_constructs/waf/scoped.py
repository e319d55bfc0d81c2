"""``methods=`` and ``paths=`` as a WAF rule matches them: checked once for the WAF front doors
(CloudFront and regional). CDK-free.

A WAF rule compares the scope's paths with the request's path after ``URL_DECODE`` and
``NORMALIZE_PATH`` (as it compares the bypass paths), so ``/a/../checkout/x`` and
``/checkout/%78`` are under ``/checkout/*``. A normalized path has no ``.`` or ``..`` segment
and no repeated slash: a pattern holding one would never match, and is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import MaintenanceConfigError
from ..scope import MaintenanceScope, PathPattern, maintenance_scope

__all__ = ["scope_for_waf"]


def scope_for_waf(
    *, methods: Sequence[str] | None, paths: Sequence[str] | None
) -> MaintenanceScope:
    """The scope of a WAF maintenance rule; a :class:`MaintenanceConfigError` naming the
    parameter, the value and the fix for what a WAF rule cannot match exactly."""
    scope = maintenance_scope(methods=methods, paths=paths, door="waf")
    for pattern in scope.patterns():
        problem = _never_normalized(pattern)
        if problem:
            raise MaintenanceConfigError(
                f"paths: {pattern.text!r} has {problem}, which a WAF rule never sees: it "
                "compares the decoded, normalized path (dot segments resolved, repeated "
                f"slashes merged), so the pattern would match no request. Write it as it "
                f"resolves: {_resolved(pattern)!r}."
            )
    return scope


def _resolved(pattern: PathPattern) -> str:
    """``pattern`` with its dot segments and repeated slashes resolved, as NORMALIZE_PATH
    resolves a request's path (a prefix keeps its open last segment and its ``*``)."""
    segments = pattern.value.split("/")[1:]
    kept: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if last and pattern.prefix:
            kept.append(segment)
        elif segment in ("", ".", ".."):
            if segment == ".." and kept:
                kept.pop()
            if last:  # a trailing slash stays: "/a/.." resolves to "/", "/a/b/." to "/a/b/"
                kept.append("")
        else:
            kept.append(segment)
    return "/" + "/".join(kept) + ("*" if pattern.prefix else "")


def _never_normalized(pattern: PathPattern) -> str:
    """What in ``pattern`` a normalized path cannot hold ("" when nothing): a ``.`` or ``..``
    segment or an empty one between slashes. A prefix's last segment is open (``/a/..*``
    matches ``/a/..b``), so only its complete segments count."""
    segments = pattern.value.split("/")[1:]
    complete = segments[:-1] if pattern.prefix else segments
    if any(segment in (".", "..") for segment in complete):
        return "a '.' or '..' segment"
    if "" in segments[:-1]:
        return "a repeated slash"
    return ""
