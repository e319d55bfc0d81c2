"""The function's configuration, typed: what ``code_writer`` writes into the code as
``CONFIG`` and what the tools read back from a template's code. One home for its keys, so no
reader finds them by name. Pure Python, no CDK."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .allowlist import TABLES, allowlist_of

__all__ = ["CONFIG_PREFIX", "FunctionConfig"]

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
        )

    def to_json(self) -> dict[str, Any]:
        """The configuration as the code holds it: the keys handler.js reads."""
        return {
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
