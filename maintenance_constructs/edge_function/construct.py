"""CloudFrontFunctionMaintenance: a viewer-request CloudFront Function and a KeyValueStore,
switched at run time in seconds, or by the context toggle, or by scheduled windows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import AspectPriority, Aspects, CfnOutput, Fn, Stack, Token
from aws_cdk import aws_cloudfront as cloudfront
from constructs import Construct

from ..bypass_token import BypassTokenParameter, check_bypass_token, token_parameter
from ..errors import MaintenanceConfigError
from ..parameters import document_shared_parameters
from ..response import MaintenanceResponse, require_response
from ..scope import MaintenanceScope, default_response, maintenance_scope
from ..shared import (
    FUNCTION_METADATA_TYPE,
    SCOPE_METADATA_TYPE,
    STORE_METADATA_TYPE,
    check_link_path,
)
from ..toggle import resolve_enabled
from ..values import normalize_cidrs, normalize_paths
from .associations import AssociateAtSynthesis
from .code_writer import deploy_time_token, function_code, function_config, literal_token
from .combined import CombinedFunctions
from .response_headers import check_function_headers
from .size import check_code_size
from .windows import MaintenanceWindow

__all__ = ["CloudFrontFunctionMaintenance"]


@document_shared_parameters("function")
class CloudFrontFunctionMaintenance(Construct):
    """Maintenance at the CloudFront edge by a viewer-request CloudFront Function that reads a
    KeyValueStore: switched in seconds without a deploy, or on a schedule.

    The store, the function (runtime ``cloudfront-js-2.0``), its associations with the
    distribution's behaviors and a stack output with the store's ARN exist in both states;
    the context toggle changes only the function's code (its deploy-time state), never the
    distribution. At run time the store key ``maintenance`` overrides that state: ``on``,
    ``off``, or ``window <start> <end>`` (``maintenance-constructs switch`` writes it).
    ``windows`` put maintenance on at planned times whatever the deploy-time state, unless the
    store key says ``off``.

    A behavior whose viewer request already runs a CloudFront Function of the app (an SPA
    rewrite, redirects) gets a combined function instead: the maintenance code first, then the
    app's code for every request that passes. The app's function resource stays.

    While on, allow-listed viewers, bypass paths, the bypass token and requests outside the
    scope (``methods``, ``paths``) pass unchanged; the bypass link sets the token's cookie
    (302 to ``/``); everyone else gets ``response`` (or
    ``browser_response`` when ``Accept`` contains ``text/html``), with ``Retry-After``
    counting down to the end of a window. ``__MAINTENANCE_END__`` in a body becomes the
    window's end (ISO 8601, UTC); without a known end, the HTML paragraph that holds it is left
    out.

    :param distribution: the distribution, an L2 ``Distribution`` or a ``CfnDistribution``
        of this app (an imported distribution cannot be changed, and is refused).
    :param behaviors: the behaviors to associate the function with, by path pattern (``"*"``
        is the default behavior). Default (None): the default behavior and every other one.
    {allowed_cidrs}
    {response}
    {browser_response}
    {bypass_paths}
    {bypass_token}
    :param bypass_link_prefix: with a token, visiting ``<prefix><token>`` answers a 302 to
        ``/`` that sets the bypass cookie (Secure, HttpOnly, SameSite=Lax, 12 hours). Default
        ``"/__maintenance/"``.
    {methods}
    {paths}
    :param windows: :class:`MaintenanceWindow` periods (aware datetimes) during which
        maintenance is on, written into the function's code. Default: none.
    :param store: an existing KeyValueStore to keep the ``maintenance`` key in: the app's own
        (a function reads one store, so pass the store of an app function that runs on these
        behaviors), or one that several constructs share (one ``switch`` write flips them all).
        Default (None): a new store of this construct.
    {enabled}
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        distribution: cloudfront.IDistribution | cloudfront.CfnDistribution,
        behaviors: Sequence[str] | None = None,
        allowed_cidrs: Sequence[str] = (),
        response: MaintenanceResponse | None = None,
        browser_response: MaintenanceResponse | None = None,
        bypass_paths: Sequence[str] = (),
        bypass_token: str | BypassTokenParameter | None = None,
        bypass_link_prefix: str = "/__maintenance/",
        methods: Sequence[str] | None = None,
        paths: Sequence[str] | None = None,
        windows: Sequence[MaintenanceWindow] = (),
        store: cloudfront.IKeyValueStore | None = None,
        enabled: bool | None = None,
    ) -> None:
        super().__init__(scope, id)
        resource = _distribution_resource(distribution)
        self.enabled: bool = resolve_enabled(self, enabled)
        """The deploy-time state written into the function's code."""
        turned_away = maintenance_scope(
            methods=methods, paths=paths, door="function", bypass_paths=bypass_paths
        )
        self.maintenance_scope: MaintenanceScope = turned_away
        """What maintenance turns away, whatever turns it on (the deploy-time state, the store,
        a window): written into the function's code as data."""
        self.response = require_response("response", response) or default_response(turned_away)
        """The answer for viewers that are turned away."""
        self.browser_response = require_response("browser_response", browser_response)
        """The answer for turned-away browsers, if any."""
        check_function_headers("response", self.response)
        check_function_headers("browser_response", self.browser_response)
        self.windows: tuple[MaintenanceWindow, ...] = _windows(windows)
        """The scheduled windows, in UTC."""
        self.store: cloudfront.IKeyValueStore = _store(self, store)
        """The KeyValueStore whose ``maintenance`` key switches maintenance at run time."""
        config = function_config(
            enabled=self.enabled,
            cidrs=normalize_cidrs(allowed_cidrs),
            bypass_paths=normalize_paths(bypass_paths, wildcards=False),
            token=self._token(bypass_token),
            link_prefix=check_link_path(bypass_link_prefix),
            response=self.response,
            browser_response=self.browser_response,
            windows=self.windows,
            store=self.store.key_value_store_id,
            scope=self.maintenance_scope,
        )
        self.code_bytes: int = check_code_size(config)
        """The function's code size at deploy time, in bytes (at most 10,240)."""
        self.function: cloudfront.Function = self._function(config)
        """The viewer-request CloudFront Function."""
        self.combined = CombinedFunctions(self, config, self.store)
        """Functions that run the maintenance code and then an app's own viewer-request
        function, made at synthesis for the behaviors that have one."""
        self._associate(resource, behaviors)
        self._describe()

    def _function(self, config: Mapping[str, Any]) -> cloudfront.Function:
        return cloudfront.Function(
            self,
            "Function",
            code=cloudfront.FunctionCode.from_inline(function_code(config)),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            key_value_store=self.store,
            comment="maintenance-constructs: maintenance answers at the edge",
        )

    def _token(self, token: str | BypassTokenParameter | None) -> dict[str, str] | None:
        """The token as the code holds it, in every deploy-time state (the store or a window
        can put maintenance on at any moment): a literal only as its SHA-256; an SSM
        parameter's value, read on every deploy, as base64 data."""
        if isinstance(token, BypassTokenParameter):
            return deploy_time_token(Fn.base64(token_parameter(self, token)))
        checked = check_bypass_token(token, scope=self)
        if checked is None:
            return None
        if Token.is_unresolved(checked):
            return deploy_time_token(Fn.base64(checked))
        return literal_token(checked)

    def _associate(
        self, resource: cloudfront.CfnDistribution, behaviors: Sequence[str] | None
    ) -> None:
        if behaviors is not None and (isinstance(behaviors, str) or not list(behaviors)):
            raise MaintenanceConfigError(
                f"behaviors: {behaviors!r} is not a non-empty list of path patterns; pass e.g. "
                "['*', '/api/*'], or None for every behavior."
            )
        at_synthesis = AssociateAtSynthesis(
            self,
            resource,
            self.function,
            None if behaviors is None else list(behaviors),
            self.combined,
        )
        Aspects.of(self).add(at_synthesis, priority=AspectPriority.MUTATING)
        self.node.add_validation(at_synthesis)

    def _describe(self) -> None:
        """The store's ARN as a stack output, and metadata the tools read (both states)."""
        output = CfnOutput(
            self,
            "StoreArn",
            value=self.store.key_value_store_arn,
            description="The maintenance switch: maintenance-constructs switch on|off|clear",
        )
        stack = Stack.of(self)
        self.node.add_metadata(
            STORE_METADATA_TYPE,
            {
                "stack": stack.stack_name,
                "output": stack.resolve(output.logical_id),
                "region": None if Token.is_unresolved(stack.region) else stack.region,
            },
        )
        self.node.add_metadata(SCOPE_METADATA_TYPE, self.maintenance_scope.metadata())
        function = self.function.node.default_child
        assert isinstance(function, cloudfront.CfnFunction)
        self.node.add_metadata(
            FUNCTION_METADATA_TYPE, {"function": stack.resolve(function.logical_id)}
        )


def _distribution_resource(
    distribution: cloudfront.IDistribution | cloudfront.CfnDistribution,
) -> cloudfront.CfnDistribution:
    if isinstance(distribution, cloudfront.CfnDistribution):
        return distribution
    resource = getattr(distribution, "node", None) and distribution.node.default_child
    if not isinstance(resource, cloudfront.CfnDistribution):
        raise MaintenanceConfigError(
            f"distribution: {distribution.node.path} is imported (or not a distribution of "
            "this app), so its behaviors cannot be given a function. Pass the Distribution or "
            "CfnDistribution that defines it, in the stack that owns it."
        )
    return resource


def _store(owner: Construct, store: cloudfront.IKeyValueStore | None) -> cloudfront.IKeyValueStore:
    """The given store (the app's own, or one several constructs share), or a new one."""
    if store is None:
        return cloudfront.KeyValueStore(
            owner, "Store", comment="maintenance-constructs: the runtime maintenance switch"
        )
    if not (hasattr(store, "key_value_store_arn") and hasattr(store, "key_value_store_id")):
        raise MaintenanceConfigError(
            f"store: {store!r} is not a KeyValueStore; pass a cloudfront.KeyValueStore of the "
            "app, or KeyValueStore.from_key_value_store_arn(...), or leave it out for a new one."
        )
    return store


def _windows(windows: Sequence[MaintenanceWindow]) -> tuple[MaintenanceWindow, ...]:
    if isinstance(windows, (MaintenanceWindow, str)) or not isinstance(windows, Sequence):
        raise MaintenanceConfigError(
            f"windows: {windows!r} is not a list of MaintenanceWindow; pass "
            "windows=[MaintenanceWindow(start=..., end=...)]."
        )
    for window in windows:
        if not isinstance(window, MaintenanceWindow):
            raise MaintenanceConfigError(
                f"windows: {window!r} is not a MaintenanceWindow; pass "
                "MaintenanceWindow(start=..., end=...) with aware datetimes."
            )
    return tuple(sorted(windows, key=lambda window: window.start))
