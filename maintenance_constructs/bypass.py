"""The names that carry the operator bypass token, shared by the constructs and the offline
tools (no CDK import here: the tools must not start the CDK's JavaScript runtime)."""

from __future__ import annotations

__all__ = ["BYPASS_COOKIE", "BYPASS_HEADER"]

BYPASS_HEADER = "X-Maintenance-Bypass"
"""The request header that carries the bypass token (curl, API clients)."""
BYPASS_COOKIE = "maintenance_bypass"
"""The cookie that carries the bypass token (browsers)."""
