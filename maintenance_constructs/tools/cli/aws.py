"""The AWS client the commands use (``switch``; ``check`` and ``serve`` for ``--token-ssm``):
boto3, imported only when a command needs AWS, so the other commands run without it.

Tests replace :func:`make_client` (looked up here at each call) with stubbed clients.
"""

from __future__ import annotations

from typing import Any

from ...errors import MaintenanceConfigError

__all__ = ["make_client"]


def make_client(service: str, region: str | None) -> Any:
    """A boto3 client; one clear line when boto3 is not installed."""
    try:
        import boto3
    except ImportError:
        raise MaintenanceConfigError(
            "switch: boto3 is not installed; pip install 'maintenance-constructs[switch]' "
            "(boto3 and the AWS CRT that SigV4A signing needs)."
        ) from None
    if service == "cloudformation":
        return boto3.client("cloudformation", region_name=region)
    if service == "ssm":
        return boto3.client("ssm", region_name=region)
    # The KeyValueStore API is global; its endpoint comes from the store's ARN.
    return boto3.client("cloudfront-keyvaluestore", region_name="us-east-1")
