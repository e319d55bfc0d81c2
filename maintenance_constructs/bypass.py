"""Names shared by the constructs and the offline tools: what carries the operator bypass
token, and which listener actions sign a user in (no CDK import here: the tools must not start
the CDK's JavaScript runtime)."""

from __future__ import annotations

__all__ = ["AUTHENTICATING_ACTIONS", "BYPASS_COOKIE", "BYPASS_HEADER"]

BYPASS_HEADER = "X-Maintenance-Bypass"
"""The request header that carries the bypass token (curl, API clients)."""
BYPASS_COOKIE = "maintenance_bypass"
"""The cookie that carries the bypass token (browsers)."""
AUTHENTICATING_ACTIONS = ("authenticate-oidc", "authenticate-cognito", "jwt-validation")
"""Listener action types that sign a request's user in before the next action."""
