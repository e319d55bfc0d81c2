"""The operator bypass token as the constructs take it: a literal, a deploy-time value, or the
name of an SSM String parameter (read while maintenance is on, or always by the function door).

No message here (or anywhere in the package) shows any part of a token: a token is referred
to as ``bypass_token (N characters)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aws_cdk import CfnParameter, Stack, Token
from constructs import Construct

from .errors import MaintenanceConfigError
from .shared import BYPASS_TOKEN_CHARACTERS, BYPASS_TOKEN_LENGTHS, TOKEN_PARAMETER_METADATA_TYPE

__all__ = [
    "BYPASS_TOKEN_LENGTHS",
    "BypassTokenParameter",
    "bypass_token_value",
    "check_bypass_token",
    "token_parameter",
]

_TOKEN = re.compile(f"[{BYPASS_TOKEN_CHARACTERS}]+")
_PARAMETER_NAME = re.compile(r"/?[A-Za-z0-9_.\-/]{1,1011}")
_PLACEHOLDER = "bypass-token-from-ssm-while-off"
"""What the rules are planned with while off (the parameter is then not read): a literal of
no wildcards, like any token; nothing is created from it."""


@dataclass(frozen=True)
class BypassTokenParameter:
    """The bypass token kept in an SSM **String** parameter, named here.

    The construct adds the CloudFormation parameter that reads it. ``AlbMaintenance`` and the
    WAF constructs add it only while maintenance is on: deploying without maintenance never
    needs the SSM parameter to exist. ``CloudFrontFunctionMaintenance`` adds it in both states,
    since the store or a window can turn its function on at any moment: the SSM parameter
    must exist before its first deploy. Every deploy that has the parameter reads its current
    value (rotate the token by updating the SSM parameter and deploying again).

    :param name: the SSM parameter's name, e.g. ``/maintenance/bypass-token``.
    """

    name: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _PARAMETER_NAME.fullmatch(self.name):
            raise MaintenanceConfigError(
                f"bypass_token: BypassTokenParameter name {self.name!r} is not an SSM "
                "parameter name; write e.g. '/maintenance/bypass-token' (letters, digits and "
                "_ . - /, at most 1011 characters)."
            )
        if self.name.lower().startswith(("/aws", "aws", "ssm")):
            raise MaintenanceConfigError(
                f"bypass_token: BypassTokenParameter name {self.name!r} starts with a prefix "
                "SSM reserves (aws, ssm); name it e.g. '/maintenance/bypass-token'."
            )


def bypass_token_value(scope: Construct, token: object, *, enabled: bool) -> str | None:
    """The token the rules carry: a literal (checked), a deploy-time value, or, for a
    :class:`BypassTokenParameter`, the parameter's value while on (a placeholder to plan
    with while off, when no rule exists)."""
    if isinstance(token, BypassTokenParameter):
        return token_parameter(scope, token) if enabled else _PLACEHOLDER
    return check_bypass_token(token, scope=scope)


def token_parameter(scope: Construct, token: BypassTokenParameter) -> str:
    """The CloudFormation parameter that reads the SSM parameter at deploy time: its value."""
    parameter = CfnParameter(
        scope,
        "BypassTokenParameter",
        type="AWS::SSM::Parameter::Value<String>",
        default=token.name,
        description="The maintenance bypass token (an SSM String parameter).",
    )
    scope.node.add_metadata(TOKEN_PARAMETER_METADATA_TYPE, {"logicalId": parameter.logical_id})
    return parameter.value_as_string


def check_bypass_token(token: object, *, scope: Construct | None = None) -> str | None:
    """A bypass token as given (a literal, or a token such as an SSM parameter's value, which
    is resolved at deploy time and cannot be checked here); refuses short tokens, characters
    that cannot stand in a header or cookie value unquoted (or that an ALB would read as
    wildcards), line breaks, and dynamic references. A token that resolves to a literal at
    synth (``Fn.join`` of literals, ``Lazy``) is checked as that literal."""
    if token is None:
        return None
    if not isinstance(token, str):
        size = len(token) if isinstance(token, (bytes, bytearray)) else len(str(token))
        raise MaintenanceConfigError(
            f"bypass_token: received a value of type {type(token).__name__} ({size} "
            "characters as text), "
            "not a string; pass a string, e.g. secrets.token_urlsafe(32), or "
            "BypassTokenParameter('/maintenance/bypass-token') for an SSM String parameter."
        )
    literal = token
    if Token.is_unresolved(token):
        resolved = Stack.of(scope).resolve(token) if scope is not None else None
        if not isinstance(resolved, str):
            return token  # a deploy-time value (a parameter, an import): checked by AWS
        literal = resolved
    _check_literal(literal)
    return literal


def _check_literal(token: str) -> None:
    size = f"bypass_token ({len(token)} characters)"
    if "{{resolve:" in token:
        secure = "{{resolve:ssm-secure:" in token or "{{resolve:secretsmanager:" in token
        raise MaintenanceConfigError(
            f"{size} is a CloudFormation dynamic reference"
            + (
                " to a secure string or a secret: listener rules and web ACLs do not accept "
                "them. Keep the token in a plain SSM String parameter and pass "
                "BypassTokenParameter('/its/name')."
                if secure
                else ", which CloudFormation resolves only once per change of its text (a "
                "rotated token would not be picked up): pass "
                "BypassTokenParameter('/its/name') instead."
            )
        )
    shortest, longest = BYPASS_TOKEN_LENGTHS
    if token != token.rstrip("\r\n") and _TOKEN.fullmatch(token.rstrip("\r\n")):
        raise MaintenanceConfigError(
            f"{size} ends with a line break (what read_text() or a shell command gives); "
            "strip it: token.strip()."
        )
    problem = None
    if not shortest <= len(token) <= longest:
        problem = f"is not {shortest} to {longest} characters long"
    elif not _TOKEN.fullmatch(token):
        problem = "has characters other than A-Z a-z 0-9 . _ ~ + / = -"
    if problem:
        raise MaintenanceConfigError(
            f"{size} {problem}; use {shortest} to {longest} characters that can stand in a "
            "header and a cookie value (no spaces, quotes, ';', ',', '*' or '?'), e.g. "
            "secrets.token_urlsafe(32)."
        )
