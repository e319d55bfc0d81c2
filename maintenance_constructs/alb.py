"""AlbMaintenance: maintenance rules on an Application Load Balancer listener."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Annotations
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct

from .alb_checks import ListenerChecks
from .alb_plan import MAX_PRIORITY, MIN_PRIORITY, PlannedRule, plan_rules
from .errors import MaintenanceConfigError
from .response import MaintenanceResponse
from .toggle import resolve_enabled
from .values import normalize_cidrs, normalize_hosts, normalize_paths

__all__ = ["ALB_MAX_BODY_BYTES", "AlbMaintenance"]

ALB_MAX_BODY_BYTES = 1024
"""The most UTF-8 bytes an ALB fixed response may carry."""


class AlbMaintenance(Construct):
    """Maintenance rules on an ALB listener, present only while maintenance is on.

    While on, in ascending priority from ``priority``: bypass rules (host + path, forwarded for
    everyone), allow rules (host + source IP, forwarded), an optional browser rule (host +
    ``Accept: *text/html*``, answered with ``browser_response``) and the maintenance rule(s)
    (host, answered with ``response``). Requests for other hosts fall through to the listener's
    default action. While off, the construct creates nothing.

    :param listener: the listener to add the rules to, created or imported.
    :param host_headers: the host names the rules cover; required and non-empty.
    :param allowed_cidrs: addresses that still reach the app. Bare addresses become /32 or
        /128, overlaps collapse. Empty (the default) lets nobody through except bypass paths.
    :param target_groups: where allowed requests go (forwarded with equal weight) ...
    :param action: ... or any listener action instead; give exactly one of the two.
    :param priority: the first rule's priority; the rules take consecutive priorities.
        Default 10, like the seed.
    :param response: the answer for everyone else. Default: ``MaintenanceResponse.json()``,
        503 with the seed's JSON body.
    :param browser_response: an answer for requests that accept ``text/html``. Default: none,
        browsers get ``response`` too.
    :param bypass_paths: path patterns served normally to everyone (health checks, status).
        Default: none.
    :param enabled: True or False overrides the context toggle; None (the default) follows it.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        listener: elbv2.IApplicationListener,
        host_headers: Sequence[str],
        allowed_cidrs: Sequence[str] = (),
        target_groups: Sequence[elbv2.IApplicationTargetGroup] | None = None,
        action: elbv2.ListenerAction | None = None,
        priority: int = 10,
        response: MaintenanceResponse | None = None,
        browser_response: MaintenanceResponse | None = None,
        bypass_paths: Sequence[str] = (),
        enabled: bool | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.enabled: bool = resolve_enabled(self, enabled)
        """Whether the maintenance rules exist in this synthesis."""
        self.response = response if response is not None else MaintenanceResponse.json()
        """The answer for requests that are turned away."""
        self.browser_response = browser_response
        forward = _forward_action(target_groups, action)
        _check_priority(priority)
        for parameter, answer in (
            ("response", self.response),
            ("browser_response", browser_response),
        ):
            if answer is not None:
                self._check_response(parameter, answer)
        cidrs = [str(n) for n in normalize_cidrs(allowed_cidrs)]
        self.plan: list[PlannedRule] = plan_rules(
            hosts=normalize_hosts(host_headers),
            cidrs=cidrs,
            bypass_paths=normalize_paths(bypass_paths),
            browser=browser_response is not None,
            first_priority=priority,
        )
        """The rules as planned, in evaluation order, whether or not they are created."""
        self.priorities: list[int] = [rule.priority for rule in self.plan]
        """The rules' priorities in evaluation order (planned even while off)."""
        self.rules: list[elbv2.ApplicationListenerRule] = []
        """The listener rules created; empty while maintenance is off."""
        if self.enabled:
            self.rules = self._create_rules(listener, forward)
        self.node.add_validation(ListenerChecks(self, listener, self.plan))

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
        if answer.all_headers:
            names = ", ".join(name for name, _ in answer.all_headers)
            Annotations.of(self).add_warning_v2(
                "maintenance-constructs:albHeadersNotSent",
                f"{parameter} asks for the headers {names}, but an ALB fixed response cannot "
                "carry headers: they are not sent. Drop retry_after/headers for the ALB, or use "
                "CloudFrontMaintenance, whose WAF response can send them.",
            )

    def _create_rules(
        self, listener: elbv2.IApplicationListener, forward: elbv2.ListenerAction
    ) -> list[elbv2.ApplicationListenerRule]:
        counters: dict[str, int] = {}
        rules = []
        for planned in self.plan:
            counters[planned.kind] = counters.get(planned.kind, 0) + 1
            rule_id = f"{planned.kind.capitalize()}Rule{counters[planned.kind]}"
            rules.append(
                elbv2.ApplicationListenerRule(
                    self,
                    rule_id,
                    listener=listener,
                    priority=planned.priority,
                    conditions=_conditions(planned),
                    action=self._action(planned, forward),
                )
            )
        return rules

    def _action(self, planned: PlannedRule, forward: elbv2.ListenerAction) -> elbv2.ListenerAction:
        if planned.kind in ("bypass", "allow"):
            return forward
        answer = self.browser_response if planned.kind == "browser" else self.response
        assert answer is not None
        return elbv2.ListenerAction.fixed_response(
            answer.status_code, content_type=answer.content_type, message_body=answer.body
        )


def _conditions(planned: PlannedRule) -> list[elbv2.ListenerCondition]:
    conditions = [elbv2.ListenerCondition.host_headers(list(planned.hosts))]
    if planned.paths:
        conditions.append(elbv2.ListenerCondition.path_patterns(list(planned.paths)))
    if planned.source_ips:
        conditions.append(elbv2.ListenerCondition.source_ips(list(planned.source_ips)))
    if planned.accept:
        conditions.append(elbv2.ListenerCondition.http_header("Accept", list(planned.accept)))
    return conditions


def _forward_action(
    target_groups: Sequence[elbv2.IApplicationTargetGroup] | None,
    action: elbv2.ListenerAction | None,
) -> elbv2.ListenerAction:
    if (target_groups is None) == (action is None):
        given = "both" if action is not None else "neither"
        raise MaintenanceConfigError(
            f"target_groups/action: {given} given; pass exactly one: target_groups=[blue_tg] "
            "to forward allowed clients, or action=<the same ListenerAction as your "
            "production rule> (e.g. with CodeDeploy blue/green)."
        )
    if action is not None:
        return action
    assert target_groups is not None
    if isinstance(target_groups, str) or not list(target_groups):
        raise MaintenanceConfigError(
            f"target_groups: received {target_groups!r}; pass a non-empty list of target "
            "groups, or action=..."
        )
    return elbv2.ListenerAction.forward(list(target_groups))


def _check_priority(priority: object) -> None:
    if (
        isinstance(priority, bool)
        or not isinstance(priority, int)
        or not (MIN_PRIORITY <= priority <= MAX_PRIORITY)
    ):
        raise MaintenanceConfigError(
            f"priority: {priority!r} is not a listener rule priority; pass an integer from "
            f"{MIN_PRIORITY} to {MAX_PRIORITY}, below your application rules (e.g. 10 when the "
            "app rule is at 100)."
        )
