"""CloudFrontFunctionMaintenance's function code as the tools read it from a template: the
code's text, its configuration (``CONFIG``) and the toggle's change in words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...edge_function.code_writer import config_json, literal_token
from ...edge_function.config import FunctionConfig

__all__ = [
    "DEPLOY_TIME",
    "PREVIEW_TOKEN",
    "STORE_STAND_IN",
    "function_code_text",
    "function_code_words",
    "function_config_of",
    "with_token",
]

STORE_STAND_IN = "store-id"
"""What stands for the store's id (a deploy-time value) in code read from a template."""
DEPLOY_TIME = "<deploy-time value>"
"""What stands for another deploy-time value in the code (a bypass token from SSM)."""
PREVIEW_TOKEN = "preview-token-0123456789"
"""The token the preview's rows carry: the function's code holds only a hash of a literal
token, or a deploy-time value, so the preview runs the code with this one in its place."""


def _text(part: Any) -> str:
    """A part of the code: literal text, the store's id, or another deploy-time value (a
    bypass token from SSM)."""
    if isinstance(part, str):
        return part
    if isinstance(part, Mapping) and list(part.get("Fn::GetAtt") or [])[1:] == ["Id"]:
        return STORE_STAND_IN
    return DEPLOY_TIME


def function_code_text(resource: Mapping[str, Any]) -> str:
    """The function's code, deploy-time values (the store id) replaced by a stand-in."""
    code = resource["Properties"]["FunctionCode"]
    if isinstance(code, Mapping) and "Fn::Join" in code:
        separator, parts = code["Fn::Join"]
        return str(separator).join(_text(part) for part in parts)
    return code if isinstance(code, str) else ""


def function_config_of(resource: Mapping[str, Any]) -> FunctionConfig | None:
    """The function's configuration, or None for a function that is not the maintenance one."""
    found = FunctionConfig.read(function_code_text(resource))
    return None if found is None else found[0]


def with_token(code: str, token: str) -> str:
    """``code`` whose bypass token is ``token`` (as its hash), for running it here: the code
    holds only a hash or a deploy-time value. Code with no token is returned unchanged."""
    found = FunctionConfig.read(code)
    if found is None or found[0].token is None:
        return code
    config, start, end = found
    written = config_json(config.with_token(literal_token(token)).to_json())
    return code[:start] + written + code[end:]


def _state(config: FunctionConfig | None) -> str:
    return "?" if config is None else "on" if config.enabled else "off"


def function_code_words(construct: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """``function code Edge/Maintenance/Function: deploy-time state off -> on``, and what else
    changes in the configuration."""
    before, after = function_config_of(old), function_config_of(new)
    words = f"function code {construct}: deploy-time state {_state(before)} -> {_state(after)}"
    if before is not None and after is not None:
        old_json, new_json = before.to_json(), after.to_json()
        others = sorted(
            k
            for k in old_json.keys() | new_json.keys()
            if k != "enabled" and old_json.get(k) != new_json.get(k)
        )
        if others:
            words += f" (also {', '.join(others)})"
    words += "; the store key, when set, still decides at run time"
    return words
