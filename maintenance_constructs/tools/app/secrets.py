"""Bypass tokens written literally into templates, and masking them wherever the tools print:
no output of the tools ever shows a token."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ...errors import MaintenanceConfigError
from ...shared import BYPASS_HEADER, BYPASS_TOKEN_CHARACTERS, BYPASS_TOKEN_LENGTHS
from ..evaluate.function_code import DEPLOY_TIME, PREVIEW_TOKEN, function_config_of
from .assembly import StackTemplate
from .resource_types import FUNCTION

__all__ = ["checked_token", "literal_tokens", "masked"]

_TOKEN = re.compile(f"[{BYPASS_TOKEN_CHARACTERS}]+")


def checked_token(token: str, source: str) -> str:
    """``token`` (from ``source``: an environment variable or an SSM parameter) if it is one
    the constructs accept; else one line that says what is wrong with it, never the token."""
    shortest, longest = BYPASS_TOKEN_LENGTHS
    problem = ""
    if "\n" in token or "\r" in token:
        trailing = _TOKEN.fullmatch(token.rstrip("\r\n")) is not None
        problem = "ends with a line break; strip it" if trailing else "has a line break"
    elif not token.isascii():
        problem = "has a non-ASCII character"
    elif not _TOKEN.fullmatch(token):
        problem = "has characters other than A-Z a-z 0-9 . _ ~ + / = - (a space?)"
    elif not shortest <= len(token) <= longest:
        problem = f"is not {shortest} to {longest} characters long"
    if problem:
        raise MaintenanceConfigError(
            f"{source}: the bypass token ({len(token)} characters) {problem}; the constructs "
            "accept only tokens of those characters and lengths, so no door would take it."
        )
    return token


def masked(value: Any, secrets: Sequence[str]) -> Any:
    """``value`` (text, or JSON data) with every secret replaced by
    ``<bypass token (N characters)>``."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, f"<bypass token ({len(secret)} characters)>")
        return value
    if isinstance(value, (list, tuple)):
        return [masked(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: masked(item, secrets) for key, item in value.items()}
    return value


def literal_tokens(stacks: Sequence[StackTemplate]) -> tuple[str, ...]:
    """The literal bypass tokens in the templates: the values of listener rule conditions on
    the bypass header, the search strings of WAF matches on it and the token in a maintenance
    function's code (longest first, so that a token inside another is masked whole)."""
    found: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("HttpHeaderName") == BYPASS_HEADER:
                found.update(v for v in node.get("Values") or [] if isinstance(v, str))
            header = ((node.get("FieldToMatch") or {}).get("SingleHeader") or {}).get("Name")
            if str(header).lower() == BYPASS_HEADER.lower():
                search = node.get("SearchString")
                found.update([search] if isinstance(search, str) else [])
            for item in node.values():
                visit(item)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    for stack in stacks:
        visit(stack.template)
        for resource in (stack.template.get("Resources") or {}).values():
            config = function_config_of(resource) if resource.get("Type") == FUNCTION else None
            token: Any = config.token if config is not None else None
            if isinstance(token, str) and token != DEPLOY_TIME:
                found.add(token)  # a code that holds the token itself, not its hash
            elif token is not None:
                found.add(PREVIEW_TOKEN)  # shown as a token, like every token, never as text
    return tuple(sorted(found, key=len, reverse=True))
