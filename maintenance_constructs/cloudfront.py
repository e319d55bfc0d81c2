"""CloudFrontMaintenance: a maintenance rule in a WAFv2 web ACL of scope CLOUDFRONT."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import jsii
from aws_cdk import Annotations, Names, Stack, Token
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct, IValidation

from .cfn import resolved_properties
from .errors import MaintenanceConfigError
from .response import MaintenanceResponse, require_response
from .toggle import resolve_enabled
from .toggle_value import WAF_RULES_METADATA_TYPE
from .values import IpNetwork, check_literal_number, normalize_cidrs, normalize_paths
from .waf_statements import block_statement

__all__ = ["WAF_MAX_BODY_BYTES", "WAF_MAX_IP_SET_ADDRESSES", "CloudFrontMaintenance"]

W = wafv2.CfnWebACL
WAF_MAX_BODY_BYTES = 4096
"""The most UTF-8 bytes a WAF custom response body may hold."""
WAF_MAX_IP_SET_ADDRESSES = 10000
"""The most CIDRs one WAF IP set may hold."""
WAF_MAX_RESPONSE_HEADERS = 10
WAF_HEADER_NAME = re.compile(r"^[a-zA-Z0-9._$-]{1,64}$")
WAF_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_CONTENT_TYPES = {
    "application/json": "APPLICATION_JSON",
    "text/html": "TEXT_HTML",
    "text/plain": "TEXT_PLAIN",
}
_BROWSER_SUFFIX = "-browser"


class CloudFrontMaintenance(Construct):
    """A WAF rule that blocks everyone but the allowlist with a maintenance response.

    The web ACL (scope CLOUDFRONT, default action allow), the IP sets (one per address family
    that has addresses) and the custom response bodies exist whether or not maintenance is on;
    toggling changes only the maintenance rule(s) in the web ACL's ``Rules``, never the
    distribution.

    :param allowed_cidrs: addresses that still reach the app, IPv4 and IPv6. Empty (the
        default) blocks everyone except bypass paths.
    :param response: the answer for blocked requests. Default ``MaintenanceResponse.json()``
        (503, the seed's JSON body). ``retry_after`` and ``headers`` are sent as headers.
    :param browser_response: an answer for blocked requests whose ``Accept`` header contains
        ``text/html``, from a rule evaluated just before the main one. Default: none.
    :param bypass_paths: URI path prefixes served normally to everyone. Default: none.
    :param web_acl: an existing CLOUDFRONT web ACL to append the rule(s) and bodies to; its
        default action and other rules are left alone. Default: a new web ACL is created.
    :param priority: the rule's priority in the web ACL (the browser rule takes it and the main
        rule the next one). Default 10.
    :param rule_name: the name of the rule, its metric and its response body key (the browser
        ones add ``-browser``). Default ``"Maintenance"``.
    :param enabled: True or False overrides the context toggle; None (the default) follows it.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        allowed_cidrs: Sequence[str] = (),
        response: MaintenanceResponse | None = None,
        browser_response: MaintenanceResponse | None = None,
        bypass_paths: Sequence[str] = (),
        web_acl: wafv2.CfnWebACL | None = None,
        priority: int = 10,
        rule_name: str = "Maintenance",
        enabled: bool | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.enabled: bool = resolve_enabled(self, enabled)
        """Whether the maintenance rule(s) are in the web ACL in this synthesis."""
        self._check_region()
        _check_name(rule_name)
        self.response = require_response("response", response) or MaintenanceResponse.json()
        self.browser_response = require_response("browser_response", browser_response)
        answers = [(rule_name, "response", self.response)]
        if browser_response is not None:
            answers.insert(0, (rule_name + _BROWSER_SUFFIX, "browser_response", browser_response))
        _check_priority(priority, len(answers))
        for _, parameter, answer in answers:
            _check_answer(parameter, answer)
        networks = normalize_cidrs(allowed_cidrs)
        paths = normalize_paths(bypass_paths, wildcards=False)

        self.ip_sets: list[wafv2.CfnIPSet] = self._ip_sets(networks)
        """The allowlist's IP sets: IPv4 first, then IPv6; only families that have addresses."""
        self.priorities: list[int] = [priority + i for i in range(len(answers))]
        """The maintenance rules' priorities in evaluation order (planned even while off)."""
        self.rule_names: list[str] = [name for name, _, _ in answers]
        """The maintenance rules' names, in evaluation order."""
        bodies = {
            name: W.CustomResponseBodyProperty(
                content=answer.body, content_type=_CONTENT_TYPES[answer.content_type]
            )
            for name, _, answer in answers
        }
        rules: list[W.RuleProperty] = []
        if self.enabled:
            arns = [ip_set.attr_arn for ip_set in self.ip_sets]
            rules = [
                _rule(
                    name=name,
                    priority=rule_priority,
                    answer=answer,
                    statement=block_statement(
                        ip_set_arns=arns,
                        bypass_paths=paths,
                        browser=parameter == "browser_response",
                    ),
                )
                for rule_priority, (name, parameter, answer) in zip(
                    self.priorities, answers, strict=True
                )
            ]
        if web_acl is None:
            web_acl = W(
                self,
                "WebAcl",
                scope="CLOUDFRONT",
                default_action=W.DefaultActionProperty(allow={}),
                visibility_config=_visibility(
                    Names.unique_resource_name(
                        self, max_length=128, allowed_special_characters="-_"
                    )
                ),
                rules=rules,
                custom_response_bodies=bodies,
                description="Web ACL carrying the maintenance rule of maintenance-constructs",
            )
        else:
            _append(web_acl, rules, bodies)
        self.web_acl: wafv2.CfnWebACL = web_acl
        """The web ACL that carries the rule(s), created or given."""
        self.web_acl_arn: str = web_acl.attr_arn
        """The web ACL's ARN, for ``cloudfront.Distribution(web_acl_id=...)``."""
        self.node.add_validation(_AclChecks(self, _register_on(web_acl, self)))
        # Read by `maintenance-constructs preview`: which web ACL rules are this construct's.
        self.node.add_metadata(WAF_RULES_METADATA_TYPE, {"rules": self.rule_names})

    def _check_region(self) -> None:
        region = Stack.of(self).region
        if Token.is_unresolved(region):
            Annotations.of(self).add_warning_v2(
                "maintenance-constructs:cloudFrontRegionUnknown",
                "The stack's region is not set at synth time, but a CLOUDFRONT web ACL and its "
                "IP sets must be created in us-east-1. Give this stack "
                "env=cdk.Environment(region='us-east-1') (a separate edge stack, with "
                "cross_region_references=True if another region's stack reads the ARN).",
            )
        elif region != "us-east-1":
            raise MaintenanceConfigError(
                f"region: the stack {Stack.of(self).node.path} is in {region!r}, but a "
                "CLOUDFRONT web ACL must be created in us-east-1. Put CloudFrontMaintenance in "
                "a us-east-1 stack next to (or holding) the distribution; use "
                "cross_region_references=True to pass the ARN to a stack elsewhere."
            )

    def _ip_sets(self, networks: Sequence[IpNetwork]) -> list[wafv2.CfnIPSet]:
        ip_sets = []
        for version in (4, 6):
            addresses = [str(n) for n in networks if n.version == version]
            if not addresses:
                continue
            if len(addresses) > WAF_MAX_IP_SET_ADDRESSES:
                raise MaintenanceConfigError(
                    f"allowed_cidrs: {len(addresses)} IPv{version} networks (after merging "
                    f"overlaps) exceed the {WAF_MAX_IP_SET_ADDRESSES} addresses of one WAF IP "
                    "set; merge them into wider ranges."
                )
            ip_sets.append(
                wafv2.CfnIPSet(
                    self,
                    f"AllowedIpv{version}",
                    scope="CLOUDFRONT",
                    ip_address_version=f"IPV{version}",
                    addresses=addresses,
                    description="Addresses that keep access during maintenance.",
                )
            )
        return ip_sets


def _visibility(metric_name: str) -> W.VisibilityConfigProperty:
    return W.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
    )


def _rule(
    *, name: str, priority: int, answer: MaintenanceResponse, statement: W.StatementProperty
) -> W.RuleProperty:
    headers = [W.CustomHTTPHeaderProperty(name=n, value=v) for n, v in answer.all_headers]
    return W.RuleProperty(
        name=name,
        priority=priority,
        statement=statement,
        action=W.RuleActionProperty(
            block=W.BlockActionProperty(
                custom_response=W.CustomResponseProperty(
                    response_code=answer.status_code,
                    custom_response_body_key=name,
                    response_headers=headers or None,
                )
            )
        ),
        visibility_config=_visibility(name),
    )


def _check_name(rule_name: object) -> None:
    longest = 128 - len(_BROWSER_SUFFIX)
    if not isinstance(rule_name, str) or not re.match(
        rf"^[A-Za-z0-9_-]{{1,{longest}}}$", rule_name
    ):
        raise MaintenanceConfigError(
            f"rule_name: {rule_name!r} is not a WAF rule/metric name; use 1 to {longest} "
            "characters of A-Z a-z 0-9 _ - (no spaces), e.g. 'Maintenance'."
        )


WAF_MAX_PRIORITY = 2**31 - 1
"""WAF rule priorities are 32-bit signed integers."""
WAF_STATUS_CODES = frozenset(
    {
        *(200, 201, 202, 204, 206),
        *(300, 301, 302, 303, 304, 307, 308),
        *(400, 401, 403, 404, 405, 408, 409, 411, 412, 413, 414, 415, 416, 421, 429),
        *(500, 501, 502, 503, 504, 505),
    }
)
"""The status codes AWS WAF accepts for a custom response (AWS WAF developer guide,
"Supported status codes for custom responses")."""


def _check_priority(priority: object, rules: int) -> None:
    highest = WAF_MAX_PRIORITY - rules + 1
    check_literal_number("priority", priority, f"pass a literal integer from 0 to {highest}.")
    if (
        isinstance(priority, bool)
        or not isinstance(priority, int)
        or not (0 <= priority <= highest)
    ):
        raise MaintenanceConfigError(
            f"priority: {priority!r} is not a WAF rule priority for {rules} rule(s); pass an "
            f"integer from 0 to {highest} (a 32-bit signed integer for each rule) that no "
            "other rule of the web ACL uses (default 10)."
        )


def _check_answer(parameter: str, answer: MaintenanceResponse) -> None:
    if answer.status_code not in WAF_STATUS_CODES:
        raise MaintenanceConfigError(
            f"{parameter}.status_code: {answer.status_code} is not a status code AWS WAF sends "
            f"in a custom response; use one of {', '.join(map(str, sorted(WAF_STATUS_CODES)))}"
            " (503 for maintenance)."
        )
    if answer.body_bytes > WAF_MAX_BODY_BYTES:
        raise MaintenanceConfigError(
            f"{parameter}.body: {answer.body_bytes} UTF-8 bytes (starting {answer.body[:40]!r}) "
            f"is over the {WAF_MAX_BODY_BYTES} bytes of a WAF custom response body; shorten it."
        )
    headers = answer.all_headers
    if len(headers) > WAF_MAX_RESPONSE_HEADERS:
        raise MaintenanceConfigError(
            f"{parameter}.headers: {len(headers)} headers (Retry-After included) exceed the "
            f"{WAF_MAX_RESPONSE_HEADERS} a WAF custom response may send; drop some."
        )
    for name, value in headers:
        if not WAF_HEADER_NAME.match(name) or len(value) > 255:
            raise MaintenanceConfigError(
                f"{parameter}.headers: {name!r}: {value[:40]!r} is refused by WAF (names: 1-64 "
                "characters of a-z A-Z 0-9 . _ $ -; values: 1-255 characters)."
            )


def _append(
    web_acl: wafv2.CfnWebACL,
    rules: list[W.RuleProperty],
    bodies: dict[str, W.CustomResponseBodyProperty],
) -> None:
    if web_acl.scope != "CLOUDFRONT":
        raise MaintenanceConfigError(
            f"web_acl: {web_acl.node.path} has scope {web_acl.scope!r}; CloudFront can only use "
            "a web ACL of scope CLOUDFRONT (in us-east-1). Pass such a web ACL, or leave "
            "web_acl=None to create one."
        )
    existing_rules = web_acl.rules if web_acl.rules is not None else []
    existing_bodies = web_acl.custom_response_bodies or {}
    if not isinstance(existing_rules, list) or not isinstance(existing_bodies, Mapping):
        raise MaintenanceConfigError(
            f"web_acl: the rules or custom_response_bodies of {web_acl.node.path} are a token, "
            "so maintenance rules cannot be appended to them; pass them as lists and dicts."
        )
    merged = dict(existing_bodies)
    resolve = Stack.of(web_acl).resolve
    for key, body in bodies.items():
        if key in merged and resolve(merged[key]) != resolve(body):
            raise MaintenanceConfigError(
                f"web_acl: the custom response body key {key!r} already exists in "
                f"{web_acl.node.path} with a different body; pass rule_name=... to use another "
                "key."
            )
        merged[key] = body
    web_acl.custom_response_bodies = merged
    web_acl.rules = [*existing_rules, *rules]


_PEERS_ATTRIBUTE = "_maintenance_constructs_peers"


def _register_on(web_acl: wafv2.CfnWebACL, construct: CloudFrontMaintenance) -> list[Any]:
    """Every CloudFrontMaintenance that plans rules in ``web_acl``, in creation order."""
    peers: list[Any] | None = getattr(web_acl, _PEERS_ATTRIBUTE, None)
    if peers is None:
        peers = []
        setattr(web_acl, _PEERS_ATTRIBUTE, peers)
    peers.append(construct)
    return peers


def _not_planned(rules: list[dict[str, Any]], peers: list[Any]) -> list[dict[str, Any]]:
    """The web ACL's rules without those the maintenance constructs appended (one per planned
    name of each enabled construct; appended rules come last)."""
    expected = Counter(name for peer in peers if peer.enabled for name in peer.rule_names)
    others = []
    for rule in reversed(rules):
        if expected[rule.get("name")] > 0:
            expected[rule.get("name")] -= 1
            continue
        others.append(rule)
    return others[::-1]


def ends_evaluation(rule: Mapping[str, Any]) -> str:
    """Why a web ACL rule can end evaluation with something other than a block (an Allow
    action, or a rule group whose own rules may allow), or "" when it cannot."""
    action = rule.get("action") or {}
    statement = rule.get("statement") or {}
    if "allow" in action:
        return "an Allow action"
    for kind in ("managedRuleGroupStatement", "ruleGroupReferenceStatement"):
        if kind in statement:
            return "a rule group" if kind.startswith("rule") else "a managed rule group"
    return ""


@jsii.implements(IValidation)
class _AclChecks:
    """Checks the web ACL as it is at synth, and the rules every CloudFrontMaintenance of the
    web ACL plans: names and priorities unique in both states, our rules kept, and no earlier
    rule that could let requests through before ours."""

    def __init__(self, owner: CloudFrontMaintenance, peers: list[Any]) -> None:
        self.owner = owner
        self.peers = peers

    def validate(self) -> list[str]:
        owner, web_acl = self.owner, self.owner.web_acl
        rules: Any = resolved_properties(web_acl).get("rules") or []
        rules = [r for r in rules if isinstance(r, dict)] if isinstance(rules, list) else []
        others = _not_planned(rules, self.peers)
        path = web_acl.node.path
        errors = []
        for rule in others:
            name, priority = rule.get("name"), rule.get("priority")
            if priority in owner.priorities:
                errors.append(
                    f"priority: {priority} is already used by the rule {name!r} of {path}; pass "
                    "a priority that no other rule of the web ACL uses (the maintenance rules "
                    f"need {len(owner.priorities)})."
                )
        for name in owner.rule_names:
            if any(r.get("name") == name for r in others):
                errors.append(
                    f"rule_name: {name!r} is used by another rule of {path}; WAF needs unique "
                    "rule names, pass another rule_name."
                )
            present = [r for r in rules if r.get("name") == name]
            if owner.enabled and not present:
                errors.append(
                    f"web_acl: the maintenance rule {name!r} is missing from {path}: its rules "
                    "were replaced after CloudFrontMaintenance appended to them. Set the web "
                    "ACL's own rules before creating CloudFrontMaintenance."
                )
        for peer in self.peers[: self.peers.index(owner)]:
            clash = sorted(set(peer.rule_names) & set(owner.rule_names)) or sorted(
                set(peer.priorities) & set(owner.priorities)
            )
            if clash:
                errors.append(
                    f"rule_name/priority: {', '.join(map(str, clash))} is also planned by "
                    f"{peer.node.path} in {path}; give each CloudFrontMaintenance of a web ACL "
                    "its own rule_name and priority."
                )
        self._warn_earlier_rules(others)
        return errors

    def _warn_earlier_rules(self, others: list[dict[str, Any]]) -> None:
        first = min(self.owner.priorities)
        early = [
            f"{r.get('name')!r} (priority {r.get('priority')}, {ends_evaluation(r)})"
            for r in sorted(others, key=lambda r: int(r.get("priority") or 0))
            if isinstance(r.get("priority"), int) and r["priority"] < first and ends_evaluation(r)
        ]
        if early:
            Annotations.of(self.owner).add_warning_v2(
                "maintenance-constructs:aclRuleBeforeMaintenance",
                f"In {self.owner.web_acl.node.path}, {', '.join(early)} come(s) before the "
                f"maintenance rule (priority {first}) and can end evaluation with an allow: "
                "requests it allows reach the app during maintenance. Give the maintenance "
                "rule a lower priority than those rules (Count and Block rules before it are "
                "fine), or acknowledge this warning if they only allow what may pass anyway.",
            )
