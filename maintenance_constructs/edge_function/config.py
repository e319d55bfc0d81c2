"""The function's configuration, typed: what ``code_writer`` writes into the code as
``CONFIG`` and what the tools read back from a template's code. One home for its keys, so no
reader finds them by name. Pure Python, no CDK."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..scope import EVERY_REQUEST, MaintenanceScope
from .allowlist import TABLES, allowlist_of

__all__ = ["CONFIG_PREFIX", "FunctionConfig", "scope_json", "scope_of_json"]

CONFIG_PREFIX = "const CONFIG = "
"""What precedes the configuration's JSON in the code (handler.js writes ``__CONFIG__`` there)."""


@dataclass(frozen=True)
class FunctionConfig:
    """What the function decides with (``CONFIG`` in handler.js)."""

    enabled: bool
    """The deploy-time state."""
    store: str
    """The KeyValueStore's id (a deploy-time value at synth)."""
    key: str
    """The store key that overrides the deploy-time state."""
    tables: Mapping[str, str]
    """The compiled allowlist: one string of records per table (``allowlist.TABLES``)."""
    paths: tuple[str, ...]
    token: Mapping[str, str] | None
    """``{"sha256": hex}`` for a literal token, ``{"base64": value}`` for a deploy-time one."""
    link: str
    header: str
    cookie: str
    mark: str
    """The end-of-maintenance marker replaced in bodies."""
    windows: tuple[tuple[int, int], ...]
    response: Mapping[str, Any]
    browser: Mapping[str, Any] | None
    scope: MaintenanceScope = EVERY_REQUEST
    """What maintenance turns away (``methods=``, ``paths=``); the code holds it as
    :func:`scope_json`, and holds nothing for the default scope (every request)."""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FunctionConfig:
        """The configuration as the code holds it (JSON), typed."""
        return cls(
            enabled=bool(data["enabled"]),
            store=str(data["store"]),
            key=str(data["key"]),
            tables={table: str(data.get(table) or "") for table in TABLES},
            paths=tuple(str(p) for p in data["paths"]),
            token=None if data["token"] is None else dict(data["token"]),
            link=str(data["link"]),
            header=str(data["header"]),
            cookie=str(data["cookie"]),
            mark=str(data["mark"]),
            windows=tuple((int(s), int(e)) for s, e in data["windows"]),
            response=dict(data["response"]),
            browser=None if data["browser"] is None else dict(data["browser"]),
            scope=scope_of_json(data.get("scope")),
        )

    def to_json(self) -> dict[str, Any]:
        """The configuration as the code holds it: the keys handler.js reads."""
        written = {
            "enabled": self.enabled,
            "store": self.store,
            "key": self.key,
            **self.tables,
            "paths": list(self.paths),
            "token": None if self.token is None else dict(self.token),
            "link": self.link,
            "header": self.header,
            "cookie": self.cookie,
            "mark": self.mark,
            "windows": [list(w) for w in self.windows],
            "response": dict(self.response),
            "browser": None if self.browser is None else dict(self.browser),
        }
        scope = scope_json(self.scope)
        return written if scope is None else {**written, "scope": scope}

    @classmethod
    def read(cls, code: str) -> tuple[FunctionConfig, int, int] | None:
        """The configuration written in ``code``, and where its JSON starts and ends; None
        for code that is not the maintenance function's."""
        start = code.find(CONFIG_PREFIX)
        if start < 0:
            return None
        start += len(CONFIG_PREFIX)
        try:
            data, end = json.JSONDecoder().raw_decode(code, start)
            return cls.from_json(data), start, end
        except (ValueError, KeyError, TypeError):
            return None

    @property
    def allowlist(self) -> list[str]:
        """The allow-listed networks, read back from the compiled tables."""
        return allowlist_of(self.tables)

    def with_token(self, token: Mapping[str, str]) -> FunctionConfig:
        return replace(self, token=dict(token))


def scope_json(scope: MaintenanceScope) -> dict[str, list[str] | None] | None:
    """The scope as the code holds it (``CONFIG.scope``): the methods, the exact paths and the
    path prefixes, each a list, or null for every one; None (no ``scope`` key, and no scope
    check in the code) for the default scope."""
    if not scope.partial:
        return None
    patterns = scope.patterns()
    every_path = scope.paths is None
    return {
        "methods": None if scope.methods is None else list(scope.methods),
        "exact": None if every_path else [p.value for p in patterns if not p.prefix],
        "prefixes": None if every_path else [p.value for p in patterns if p.prefix],
    }


def scope_of_json(data: Any) -> MaintenanceScope:
    """The scope :func:`scope_json` wrote (exact paths first, then prefixes as ``/x/*``);
    every request when the code holds none."""
    if not isinstance(data, Mapping):
        return EVERY_REQUEST
    methods, exact, prefixes = data.get("methods"), data.get("exact"), data.get("prefixes")
    paths = None if exact is None else [*exact, *(f"{p}*" for p in prefixes or ())]
    return MaintenanceScope(
        methods=None if methods is None else tuple(str(m) for m in methods),
        paths=None if paths is None else tuple(str(p) for p in paths),
    )
