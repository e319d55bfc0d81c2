"""What makes a ``paths=`` pattern useless on every front door, checked once: a pattern that
covers every path (that is the default), a dot segment or repeated slash that no request for
the page holds once the app (or a WAF rule) resolves it, and a pattern under a bypass path
(everyone gets through there, so nothing would be turned away). CDK-free.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import MaintenanceConfigError

__all__ = ["check_scope_path", "check_scope_under_bypass"]


def check_scope_path(path: str) -> None:
    """A :class:`MaintenanceConfigError` naming the fix when ``path`` covers every path, or
    holds a ``.``/``..`` segment or a repeated slash."""
    if re.fullmatch(r"/\*+", path):
        raise MaintenanceConfigError(
            f"paths: {path!r} matches every path, which is the default; leave paths=None, or "
            "list only the paths to turn away (e.g. '/checkout/*')."
        )
    problem = _never_normalized(path)
    if problem:
        raise MaintenanceConfigError(
            f"paths: {path!r} has {problem}, which a request for that page never keeps: the "
            "app resolves dot segments and merges slashes before routing (a WAF rule compares "
            "the path so normalized), so the pattern would match no request meant for it. "
            f"Write it as it resolves: {_resolved(path)!r}."
        )


def check_scope_under_bypass(paths: Sequence[str], bypass_paths: Sequence[str], door: str) -> None:
    """Refuse a scope pattern that lies under a bypass path: every request there gets through,
    so maintenance would turn none of it away. ``door`` is how bypass paths match: ``alb``
    patterns (``*``, ``?``), or prefixes (the WAF and function doors)."""
    for path in paths:
        for bypass in bypass_paths:
            if isinstance(bypass, str) and _covers(bypass, path, alb=door == "alb"):
                raise MaintenanceConfigError(
                    f"paths: {path!r} lies under bypass_paths {bypass!r}, which lets every "
                    "request there through, so maintenance would turn none of it away; drop it "
                    "from paths, or narrow bypass_paths."
                )


def _covers(bypass: str, path: str, *, alb: bool) -> bool:
    """Whether every path ``path`` matches also matches the bypass path (never a guess: an
    overlap that is not certain is left alone)."""
    prefix = path.endswith("*") and not any(c in "*?" for c in path[:-1])
    exact = not any(c in "*?" for c in path)
    if not (prefix or exact):
        return False  # an ALB pattern with inner wildcards: not decided here
    value = path[:-1] if prefix else path
    if not alb:
        return value.startswith(bypass)
    if exact:
        glob = "".join({"*": ".*", "?": "."}.get(c, re.escape(c)) for c in bypass)
        return re.fullmatch(glob, value) is not None
    opens = bypass.endswith("*") and not any(c in "*?" for c in bypass[:-1])
    return bypass == path or (opens and value.startswith(bypass[:-1]))


def _segments(path: str) -> tuple[list[str], list[str]]:
    """(every segment, the complete ones): a trailing ``*`` leaves its last segment open."""
    segments = path.rstrip("*").split("/")[1:] if path.endswith("*") else path.split("/")[1:]
    return segments, segments[:-1] if path.endswith("*") else segments


def _never_normalized(path: str) -> str:
    """What in ``path`` a resolved path cannot hold ("" when nothing): a ``.`` or ``..``
    segment, or an empty one between slashes. A prefix's last segment is open (``/a/..*``
    matches ``/a/..b``), so only its complete segments count."""
    segments, complete = _segments(path)
    if any(segment in (".", "..") for segment in complete):
        return "a '.' or '..' segment"
    if "" in segments[:-1]:
        return "a repeated slash"
    return ""


def _resolved(path: str) -> str:
    """``path`` with its dot segments and repeated slashes resolved (a prefix keeps its open
    last segment and its ``*``)."""
    prefix = path.endswith("*")
    segments, _ = _segments(path)
    kept: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if last and prefix:
            kept.append(segment)
        elif segment in ("", ".", ".."):
            if segment == ".." and kept:
                kept.pop()
            if last:  # a trailing slash stays: "/a/.." resolves to "/", "/a/b/." to "/a/b/"
                kept.append("")
        else:
            kept.append(segment)
    return "/" + "/".join(kept) + ("*" if prefix else "")
