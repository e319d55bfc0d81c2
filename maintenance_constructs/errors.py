"""The one exception type this package raises for a configuration mistake."""

from __future__ import annotations

__all__ = ["MaintenanceConfigError"]


class MaintenanceConfigError(ValueError):
    """A construct parameter or the maintenance context value is one AWS or CDK would reject.

    The message always names the parameter (or context key), the value received and what to
    do instead. It is a ``ValueError``, so code that already catches those keeps working.
    """
