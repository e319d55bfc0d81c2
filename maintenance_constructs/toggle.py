"""The maintenance toggle: one CDK context value, read the same way by every construct.

The value lives under :data:`MAINTENANCE_CONTEXT_KEY`. It is either a boolean (for the whole
app) or a comma-separated list of *selectors*: runs of construct ids that pick the maintenance
constructs to switch on, e.g. ``Prod`` or ``Prod/WebStack,Staging``.
"""

from __future__ import annotations

import difflib

import jsii
from aws_cdk import Annotations
from constructs import Construct, IConstruct, IValidation

from .errors import MaintenanceConfigError
from .shared import STATE_METADATA_TYPE
from .toggle_value import (
    FALSE_WORDS,
    MAINTENANCE_CONTEXT_KEY,
    TRUE_WORDS,
    ToggleValue,
    parse_toggle_value,
    selector_matches,
)

__all__ = [
    "MAINTENANCE_CONTEXT_KEY",
    "ToggleValue",
    "is_maintenance_enabled",
    "parse_toggle_value",
    "resolve_enabled",
]


def is_maintenance_enabled(scope: IConstruct) -> bool:
    """Whether the maintenance context value, as seen from ``scope``, switches ``scope`` on.

    Unset means off. A selector list switches on the scopes whose construct path contains one
    of the selectors as a contiguous run of ids.
    """
    value = parse_toggle_value(scope.node.try_get_context(MAINTENANCE_CONTEXT_KEY))
    return value.selects(scope.node.path)


def resolve_enabled(scope: Construct, enabled: bool | None) -> bool:
    """Decide whether a maintenance construct is on, and register it for the selector check.

    ``enabled`` given explicitly wins over the context. The context value is parsed (and a bad
    one refused) in either case. While on, the construct gets an info annotation.
    """
    value = parse_toggle_value(scope.node.try_get_context(MAINTENANCE_CONTEXT_KEY))
    registry = _registry(scope)
    registry.paths.append(scope.node.path)
    if enabled is False:
        registry.pinned_off.add(scope.node.path)
    registry.values.setdefault(repr(value.raw), (value, _where_set(scope)))
    if enabled is not None and not isinstance(enabled, bool):
        raise MaintenanceConfigError(
            f"enabled: expected True, False or None, received {enabled!r}. Pass a bool, or "
            "None to follow the context value."
        )
    result = value.selects(scope.node.path) if enabled is None else enabled
    # Read by `maintenance-constructs status` and `preview` from the cloud assembly.
    scope.node.add_metadata(
        STATE_METADATA_TYPE, {"enabled": result, "explicit": enabled is not None}
    )
    if result:
        source = (
            "enabled=True set in code"
            if enabled is not None
            else f"context {MAINTENANCE_CONTEXT_KEY}={value.raw!r}"
        )
        Annotations.of(scope).add_info(
            f"Maintenance mode is ON for {scope.node.path} ({source}). A deploy without the "
            "same context value turns it off again: keep the value in cdk.json while the "
            "maintenance lasts."
        )
    return result


@jsii.implements(IValidation)
class _SelectorCheck:
    """Fails synthesis when a selector matches none of the app's maintenance constructs."""

    def __init__(self, root: IConstruct) -> None:
        self.root = root
        self.paths: list[str] = []
        self.pinned_off: set[str] = set()
        """Constructs given enabled=False: no selector can switch them on."""
        # Every value the constructs saw (app context, or set on a stage or stack), with where
        # it was set, so that a typo set on a stage is caught like one given with -c.
        self.values: dict[str, tuple[ToggleValue, str]] = {}

    def validate(self) -> list[str]:
        app_value = parse_toggle_value(self.root.node.try_get_context(MAINTENANCE_CONTEXT_KEY))
        seen = {repr(app_value.raw): (app_value, "the app"), **self.values}
        errors = []
        for value, where in seen.values():
            errors += self._unmatched(value, where)
        return errors

    def _unmatched(self, value: ToggleValue, where: str) -> list[str]:
        errors = []
        for selector in value.selectors:
            matched = [p for p in self.paths if selector_matches(selector, p.split("/"))]
            if matched and set(matched) <= self.pinned_off:
                errors.append(
                    f"context '{MAINTENANCE_CONTEXT_KEY}': selector '{'/'.join(selector)}' "
                    f"(from {value.raw!r}, set on {where}) matches only "
                    f"{', '.join(sorted(matched))}, created with enabled=False, which no "
                    "context value switches on: the selector changes nothing. Remove "
                    "enabled=False there (enabled=None follows the context), or select "
                    "another construct."
                )
                continue
            if not matched:
                listed = ", ".join(sorted(self.paths))
                errors.append(
                    f"context '{MAINTENANCE_CONTEXT_KEY}': selector '{'/'.join(selector)}' "
                    f"(from {value.raw!r}, set on {where}) matches no maintenance construct "
                    "in this app. "
                    f"Maintenance constructs: {listed}. Use construct ids from these paths "
                    f"(e.g. -c {MAINTENANCE_CONTEXT_KEY}={self._suggestion(selector)}), or "
                    f"a boolean: {'/'.join(TRUE_WORDS)} or "
                    f"{'/'.join(w for w in FALSE_WORDS if w)}."
                )
        return errors

    def _suggestion(self, selector: tuple[str, ...]) -> str:
        """The construct id closest to the typo (which switches on what the user meant), or,
        when none is close, one construct's whole path (which switches on that one only):
        never a prefix that switches on more stages than the one named."""
        ids = sorted({part for path in self.paths for part in path.split("/")})
        close = difflib.get_close_matches("/".join(selector), ids, n=1, cutoff=0.6)
        return close[0] if close else sorted(self.paths)[0]


def _where_set(scope: IConstruct) -> str:
    """Where the value ``scope`` sees was set: the highest scope that sees the same value."""
    value = scope.node.try_get_context(MAINTENANCE_CONTEXT_KEY)
    owner = scope
    for ancestor in reversed(scope.node.scopes):
        if ancestor.node.try_get_context(MAINTENANCE_CONTEXT_KEY) != value:
            break
        owner = ancestor
    return "the app" if owner.node.scope is None else owner.node.path


_REGISTRY_ATTRIBUTE = "_maintenance_constructs_selector_check"
_TOGGLE_CONSTRUCT_ID = "maintenance-constructs.MaintenanceToggle"
"""Named after the package, so that no construct of the app (a stack called MaintenanceToggle,
created before or after) can take the id."""


def _registry(scope: IConstruct) -> _SelectorCheck:
    root = scope.node.root
    check: _SelectorCheck | None = getattr(root, _REGISTRY_ATTRIBUTE, None)
    if check is None:
        check = _SelectorCheck(root)
        setattr(root, _REGISTRY_ATTRIBUTE, check)
        # On a construct of its own at the top of the app (it synthesizes nothing), so that the
        # error names it instead of an empty "[]", and runs when the whole app synthesizes (a
        # CDK Pipelines stage synthesizes early, before the later stages exist).
        holder = Construct(root, _TOGGLE_CONSTRUCT_ID)  # type: ignore[arg-type]
        holder.node.add_validation(check)
    return check
