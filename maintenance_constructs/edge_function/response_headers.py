"""Response headers a CloudFront Function may not add: CloudFront answers 502 instead of the
response that carries one (AWS, "Restrictions on all edge functions": disallowed and read-only
headers). Refused at synth. Pure Python, no CDK."""

from __future__ import annotations

from ..errors import MaintenanceConfigError
from ..response import MaintenanceResponse

__all__ = ["DISALLOWED_HEADERS", "DISALLOWED_PREFIXES", "check_function_headers"]

DISALLOWED_HEADERS = frozenset(
    name.lower()
    for name in (
        "Connection",
        "Content-Length",
        "Expect",
        "Keep-Alive",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "Proxy-Connection",
        "Trailer",
        "Transfer-Encoding",
        "Upgrade",
        "Via",
        "X-Amzn-Auth",
        "X-Amzn-Cf-Billing",
        "X-Amzn-Cf-Id",
        "X-Amzn-Cf-Xff",
        "X-Amzn-Errortype",
        "X-Amzn-Fle-Profile",
        "X-Amzn-Header-Count",
        "X-Amzn-Header-Order",
        "X-Amzn-Lambda-Integration-Tag",
        "X-Amzn-RequestId",
        "X-Cache",
        "X-Forwarded-Proto",
        "X-Real-IP",
    )
)
"""Headers a function can neither add nor change in the response it generates."""
DISALLOWED_PREFIXES = ("x-accel-", "x-amz-cf-", "x-edge-")
"""Header name prefixes CloudFront keeps for itself."""


def check_function_headers(parameter: str, response: MaintenanceResponse | None) -> None:
    """Refuses a header of ``response`` that CloudFront would answer with a 502."""
    for name, _ in () if response is None else response.headers:
        lowered = name.lower()
        if lowered in DISALLOWED_HEADERS or lowered.startswith(DISALLOWED_PREFIXES):
            raise MaintenanceConfigError(
                f"{parameter}.headers: {name!r} is a header a CloudFront Function may not set "
                "(CloudFront answers 502 Bad Gateway instead of the maintenance response); drop "
                "it from headers."
            )
