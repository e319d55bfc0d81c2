"""AlbMaintenance: maintenance rules on an Application Load Balancer listener."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Annotations, AspectPriority, Aspects
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct

from ..bypass_token import BypassTokenParameter, bypass_token_value
from ..errors import MaintenanceConfigError
from ..parameters import document_shared_parameters
from ..response import MaintenanceResponse, require_response
from ..scope import MaintenanceScope, default_response, maintenance_scope
from ..shared import SCOPE_METADATA_TYPE
from ..toggle import resolve_enabled
from ..values import (
    check_literal_number,
    normalize_cidrs,
    normalize_hosts,
    normalize_paths,
)
from ..warning_catalog import warning_id
from .actions import CrossStackValues, check_listener, forward_action
from .checks import ListenerChecks
from .listener_rules import (
    register_peer,
)
from .plan import PlannedRule
from .routes import AppRoute
from .rule_resources import create_rules
from .synthesis import PlanAtSynthesis
from .view import PlanInputs, replan
from .window import (
    MAX_PRIORITY,
    MIN_PRIORITY,
    PRIORITY_WINDOW,
)

__all__ = ["ALB_MAX_BODY_BYTES", "AlbMaintenance"]

ALB_MAX_BODY_BYTES = 1024
"""The most UTF-8 bytes an ALB fixed response may carry."""


@document_shared_parameters("alb")
class AlbMaintenance(Construct):
    """Maintenance rules on an ALB listener, present only while maintenance is on.

    While on, in ascending priority, each kind in its band of the reserved window: traversal
    guard rules (host + a ``..`` path, answered with ``response``; only when a bypass pattern
    has ``*``), bypass rules (host + path, forwarded for everyone), allow rules (host + source
    IP, forwarded), bypass token rules (host + the token's header or cookie, forwarded), an
    optional browser rule (host + ``Accept: *text/html*``, answered with ``browser_response``)
    and the maintenance rule(s) (host, answered with ``response``). Requests for other hosts
    fall through to the listener's default action. With ``methods`` or ``paths``, the guard,
    browser and maintenance rules carry those conditions too (split into several rules when
    hosts, methods and paths do not fit one), so requests outside the scope fall through to
    the app's own rules, exactly as with maintenance off. While off, the construct creates
    nothing, and the rest of the app's templates are the same in both states.

    :param listener: the Application Load Balancer listener to add the rules to, created or
        imported.
    :param host_headers: the host names the rules cover. Default (None): every request the
        listener receives, whatever its host; an empty list is refused.
    {allowed_cidrs}
    :param target_groups: where allowed requests go (forwarded with equal weight) ...
    :param action: ... or any listener action instead (e.g. the app rule's authenticate and
        forward chain); give exactly one of the two. Either is rendered into the rules without
        registering the listener with the target groups, so nothing attached to them changes.
    {priority}
    {response}
    {browser_response}
    {bypass_paths}
    {bypass_token}
    {methods}
    {paths}
    {enabled}
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        listener: elbv2.IApplicationListener,
        host_headers: Sequence[str] | None = None,
        allowed_cidrs: Sequence[str] = (),
        target_groups: Sequence[elbv2.IApplicationTargetGroup] | None = None,
        action: elbv2.ListenerAction | None = None,
        priority: int | None = None,
        response: MaintenanceResponse | None = None,
        browser_response: MaintenanceResponse | None = None,
        bypass_paths: Sequence[str] = (),
        bypass_token: str | BypassTokenParameter | None = None,
        methods: Sequence[str] | None = None,
        paths: Sequence[str] | None = None,
        enabled: bool | None = None,
    ) -> None:
        super().__init__(scope, id)
        check_listener(listener)
        self.listener = listener
        """The listener the rules are planned for."""
        self.enabled: bool = resolve_enabled(self, enabled)
        """Whether the maintenance rules exist in this synthesis."""
        turned_away = maintenance_scope(
            methods=methods, paths=paths, door="alb", bypass_paths=bypass_paths
        )
        self.maintenance_scope: MaintenanceScope = turned_away
        """The requests the rules turn away (``methods`` on ``paths``); the others reach the
        app's own rules as with maintenance off."""
        self.response = require_response("response", response) or default_response(turned_away)
        """The answer for turned-away requests (by default a JSON 503 naming a partial scope)."""
        self.browser_response = require_response("browser_response", browser_response)
        """The answer for turned-away browsers, if any."""
        # Another stack's listener or target groups are imported through exports that exist in
        # both states, so that the producer stack's template does not change with the toggle.
        cross_stack = CrossStackValues(self)
        self.rule_listener_arn: str = cross_stack.localize(listener.listener_arn)
        """The listener's ARN as the rules' stack reads it (an import for another stack's)."""
        forward = forward_action(target_groups, action, localize=cross_stack.localize)
        self._check_answers(priority)
        self.host_headers: list[str] | None = (
            None if host_headers is None else normalize_hosts(host_headers)
        )
        """The hosts the rules cover, normalised; None covers every request."""
        self.plan_inputs = PlanInputs(
            cidrs=[str(n) for n in normalize_cidrs(allowed_cidrs)],
            bypass_paths=normalize_paths(bypass_paths),
            browser=browser_response is not None,
            bypass_token=bypass_token_value(self, bypass_token, enabled=self.enabled),
            methods=self.maintenance_scope.methods,
            paths=self.maintenance_scope.paths,
        )
        """The normalised allowlist, bypass paths, token and scope the rules are planned
        from."""
        self._init_window(priority)
        self._init_rules(forward)
        # Read by the tools (preview, serve, check): what maintenance turns away.
        self.node.add_metadata(SCOPE_METADATA_TYPE, self.maintenance_scope.metadata())

    def _init_rules(self, forward: elbv2.ListenerAction | None) -> None:
        self.follows_app_routing = forward is None
        """Whether allowed requests are routed as the app's rules route them (neither
        ``target_groups`` nor ``action`` given) rather than with one action."""
        self.plan: list[PlannedRule] = []
        """The rules as planned, in evaluation order, whether or not they are created. When
        the rules follow the app's routing, planned at synthesis (the app may add rules to
        the listener after this construct)."""
        self.rules: list[elbv2.ApplicationListenerRule] = []
        """The listener rules created; empty while maintenance is off."""
        self._plan_or_defer(forward)
        register_peer(self)
        self.node.add_validation(ListenerChecks(self, forward))

    def _init_window(self, priority: int | None) -> None:
        self.automatic_priority = priority is None
        """Whether the window is placed at synthesis (no ``priority`` given)."""
        self.window_placed = priority is not None
        """Whether ``priority_window`` is final: given, or placed at synthesis."""
        first = 10 if priority is None else priority
        self.priority_window = range(first, first + PRIORITY_WINDOW)
        """The priorities reserved for the rules, in both states; no other rule may use one.
        Placed when the app synthesizes when ``priority`` is not given (10..99 until then)."""

    def _plan_or_defer(self, forward: elbv2.ListenerAction | None) -> None:
        """Plan the rules now, and create them while on, or leave both to synthesis."""
        if forward is None:
            _require_listener_in_app(self.listener)
        # Checks the inputs now (as if the app had no rule on the listener when following its
        # routing); the rules are planned again at synthesis when they depend on the app's
        # rules (their routing, or the window's place), once all of them are in the tree.
        default = [AppRoute(name=f"{self.listener.node.path} (default action)")]
        replan(self, default if forward is None else None)
        if forward is None or self.automatic_priority:
            at_synthesis = PlanAtSynthesis(self, self, forward)
            Aspects.of(self).add(at_synthesis, priority=AspectPriority.MUTATING)
            self.node.add_validation(at_synthesis)
        elif self.enabled:
            self.rules = create_rules(self, self, forward, [])

    @property
    def priorities(self) -> list[int]:
        """The rules' priorities in evaluation order (planned even while off)."""
        return [rule.priority for rule in self.plan]

    def _check_answers(self, priority: int | None) -> None:
        if priority is not None:
            _check_priority(priority)
        for parameter, answer in (
            ("response", self.response),
            ("browser_response", self.browser_response),
        ):
            if answer is not None:
                self._check_response(parameter, answer)

    def _check_response(self, parameter: str, answer: MaintenanceResponse) -> None:
        if answer.body_bytes > ALB_MAX_BODY_BYTES:
            raise MaintenanceConfigError(
                f"{parameter}.body: {answer.body_bytes} UTF-8 bytes (starting "
                f"{answer.body[:40]!r}) is over the {ALB_MAX_BODY_BYTES} bytes an ALB fixed "
                "response may carry; shorten it, or link to a status page."
            )
        if answer.status_code // 100 not in (2, 4, 5):
            raise MaintenanceConfigError(
                f"{parameter}.status_code: {answer.status_code} is not accepted by an ALB fixed "
                "response (2XX, 4XX or 5XX only); use 503."
            )
        # A page that says when to come back loses nothing without its Retry-After header.
        unsent = [
            name
            for name, _ in answer.all_headers
            if not (name == "Retry-After" and answer.retry_after_in_body)
        ]
        if unsent:
            names = ", ".join(unsent)
            Annotations.of(self).add_warning_v2(
                warning_id("albHeadersNotSent"),
                f"{parameter} asks for the headers {names}, but an ALB fixed response cannot "
                "carry headers: they are not sent. Drop retry_after/headers for the ALB, or use "
                "CloudFrontMaintenance, whose WAF response can send them.",
            )


def _require_listener_in_app(listener: elbv2.IApplicationListener) -> None:
    if not isinstance(listener.node.default_child, elbv2.CfnListener):
        raise MaintenanceConfigError(
            f"target_groups/action: neither given, so allowed requests would follow the "
            f"routing of the listener {listener.node.path}, but it is imported: its default "
            "action and the rules defined outside this app are not known here. Pass "
            "target_groups=[...] (or action=...) with what the app serves allowed requests."
        )


def _check_priority(priority: object) -> None:
    check_literal_number(
        "priority",
        priority,
        f"pass a literal integer from {MIN_PRIORITY} to {MAX_PRIORITY - PRIORITY_WINDOW + 1}.",
    )
    if (
        isinstance(priority, bool)
        or not isinstance(priority, int)
        or not (MIN_PRIORITY <= priority <= MAX_PRIORITY)
    ):
        raise MaintenanceConfigError(
            f"priority: {priority!r} is not a listener rule priority; pass an integer from "
            f"{MIN_PRIORITY} to {MAX_PRIORITY - PRIORITY_WINDOW + 1}, the first of the "
            f"{PRIORITY_WINDOW} priorities the maintenance rules reserve, below your "
            "application rules (e.g. 10 when the app rule is at 100)."
        )
