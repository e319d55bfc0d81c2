"""An ARN as literal text with holes: each deploy-time value in it (a token at construction,
an expression once resolved) is a hole, so that what the literal text says can be read. Holes
are shown by what they stand for (``${AWS::Partition}``, ``${Api/Http/Resource.Ref}``), never
as CDK's numbered ``${Token[...]}``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aws_cdk import CfnResource, Reference, Stack, Tokenization

__all__ = ["HOLE", "expression_shape", "pieces", "shown_and_shape"]

HOLE = "\x00"
"""Stands for a deploy-time value (a token) in the shape of an ARN."""
_STRING_TOKEN = re.compile(r"(\$\{Token\[[a-zA-Z0-9:._-]+\]\})")
"""A token encoded in a string, as CDK writes it (``${Token[AWS.Partition.4]}``)."""


_OPAQUE = object()
"""A token of the ARN text that CDK does not know (text that only looks like one)."""


def pieces(arn: str) -> list[tuple[str, Any]]:
    """``arn`` as literal text and tokens, in order: (text, None) or (encoded, token)."""
    found: list[tuple[str, Any]] = []
    for piece in _STRING_TOKEN.split(arn):
        if not piece:
            continue
        token: Any = None
        if _STRING_TOKEN.fullmatch(piece):
            try:
                token = Tokenization.reverse_string(piece).first_token or _OPAQUE
            except Exception:  # jsii reports an unknown token its own way
                token = _OPAQUE
        found.append((piece, token))
    return found


def _token_text(encoded: str, token: Any, stack: Stack) -> str:
    """A token as a message shows it: the construct and attribute it refers to, else the
    expression it stands for (``${AWS::Partition}``, ``${Fn::ImportValue}``), never the
    per-process number CDK gives it."""
    target = token.target if isinstance(token, Reference) else None
    if isinstance(target, CfnResource):
        return f"${{{target.node.path}.{token.display_name}}}"
    if token is not _OPAQUE:
        try:
            shape, shown = expression_shape(stack.resolve(token))
        except Exception:  # a value only the finished app can produce
            shape = shown = ""
        if shape == HOLE:
            return shown
    hint = encoded.removeprefix("${Token[").removesuffix("]}").rsplit(".", 1)[0]
    return f"${{{hint}}}"


def expression_shape(value: Any) -> tuple[str, str]:
    """(shape, shown) of a resolved CloudFormation value: literal text kept, every other
    expression a hole (``Fn::Join`` followed)."""
    if isinstance(value, str):
        return value, value
    if isinstance(value, Mapping) and len(value) == 1:
        ((key, inner),) = value.items()
        if key == "Fn::Join" and isinstance(inner, list) and len(inner) == 2:
            delimiter, parts = inner
            if isinstance(delimiter, str) and isinstance(parts, list):
                shaped = [expression_shape(part) for part in parts]
                return (
                    delimiter.join(s for s, _ in shaped),
                    delimiter.join(t for _, t in shaped),
                )
        if key == "Ref" and isinstance(inner, str):
            return HOLE, f"${{{inner}}}"
        if key == "Fn::GetAtt" and isinstance(inner, list):
            return HOLE, "${" + ".".join(str(i) for i in inner) + "}"
        return HOLE, f"${{{key}}}"
    return HOLE, "${...}"


def shown_and_shape(arn: str, stack: Stack) -> tuple[list[tuple[str, Any]], str, str]:
    """``arn``'s pieces (see :func:`pieces`), the text a message shows, and its shape (literal
    text, ``HOLE`` for each token)."""
    found = pieces(arn)
    shown = "".join(
        text if token is None else _token_text(text, token, stack) for text, token in found
    )
    shape = "".join(text if token is None else HOLE for text, token in found)
    return found, shown, shape
