"""AWS CDK v2 constructs that put a web application into maintenance mode at its edge.

``cdk deploy -c maintenance=true`` puts every maintenance construct of the app into maintenance;
``-c maintenance=Prod`` only those under the construct id ``Prod``.

The constructs are imported on first use, so tools that only parse the toggle (the
``maintenance-constructs`` command) do not start the CDK's JavaScript runtime.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import MaintenanceConfigError
from .toggle_value import MAINTENANCE_CONTEXT_KEY, parse_toggle_value

if TYPE_CHECKING:
    from .alb.construct import ALB_MAX_BODY_BYTES, AlbMaintenance
    from .bypass_token import BypassTokenParameter
    from .edge_function.construct import CloudFrontFunctionMaintenance
    from .edge_function.windows import MaintenanceWindow
    from .response import DEFAULT_JSON_BODY, MaintenanceResponse
    from .scope import READ_ONLY
    from .toggle import is_maintenance_enabled
    from .waf.cloudfront import WAF_MAX_BODY_BYTES, CloudFrontMaintenance
    from .waf.regional import RegionalMaintenance

__version__ = "0.1.0"

__all__ = [
    "ALB_MAX_BODY_BYTES",
    "DEFAULT_JSON_BODY",
    "MAINTENANCE_CONTEXT_KEY",
    "READ_ONLY",
    "WAF_MAX_BODY_BYTES",
    "AlbMaintenance",
    "BypassTokenParameter",
    "CloudFrontFunctionMaintenance",
    "CloudFrontMaintenance",
    "MaintenanceConfigError",
    "MaintenanceResponse",
    "MaintenanceWindow",
    "RegionalMaintenance",
    "is_maintenance_enabled",
    "parse_toggle_value",
]

_LAZY = {
    "ALB_MAX_BODY_BYTES": ".alb.construct",
    "AlbMaintenance": ".alb.construct",
    "BypassTokenParameter": ".bypass_token",
    "CloudFrontFunctionMaintenance": ".edge_function.construct",
    "MaintenanceWindow": ".edge_function.windows",
    "WAF_MAX_BODY_BYTES": ".waf.cloudfront",
    "CloudFrontMaintenance": ".waf.cloudfront",
    "DEFAULT_JSON_BODY": ".response",
    "MaintenanceResponse": ".response",
    "READ_ONLY": ".scope",
    "RegionalMaintenance": ".waf.regional",
    "is_maintenance_enabled": ".toggle",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
