"""AWS CDK v2 constructs that put a web application into maintenance mode at its edge.

``cdk deploy -c maintenance=true`` puts every maintenance construct of the app into maintenance;
``-c maintenance=Prod`` only those under the construct id ``Prod``.
"""

from .alb import ALB_MAX_BODY_BYTES, AlbMaintenance
from .cloudfront import WAF_MAX_BODY_BYTES, CloudFrontMaintenance
from .errors import MaintenanceConfigError
from .response import DEFAULT_JSON_BODY, MaintenanceResponse
from .toggle import MAINTENANCE_CONTEXT_KEY, is_maintenance_enabled, parse_toggle_value

__all__ = [
    "ALB_MAX_BODY_BYTES",
    "DEFAULT_JSON_BODY",
    "MAINTENANCE_CONTEXT_KEY",
    "WAF_MAX_BODY_BYTES",
    "AlbMaintenance",
    "CloudFrontMaintenance",
    "MaintenanceConfigError",
    "MaintenanceResponse",
    "is_maintenance_enabled",
    "parse_toggle_value",
]
