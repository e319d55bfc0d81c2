"""CloudFrontMaintenance: a maintenance rule in a WAFv2 web ACL of scope CLOUDFRONT."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import jsii
from aws_cdk import Annotations, Names, Stack, Token
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct, IValidation

from .cfn import resolved_properties
from .errors import MaintenanceConfigError
from .response import MaintenanceResponse
from .toggle import resolve_enabled
from .values import IpNetwork, normalize_cidrs, normalize_paths
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
        if isinstance(priority, bool) or not isinstance(priority, int) or priority < 0:
            raise MaintenanceConfigError(
                f"priority: {priority!r} is not a WAF rule priority; pass a non-negative "
                "integer that no other rule of the web ACL uses (default 10)."
            )
        self.response = response if response is not None else MaintenanceResponse.json()
        self.browser_response = browser_response
        answers = [(rule_name, "response", self.response)]
        if browser_response is not None:
            answers.insert(0, (rule_name + _BROWSER_SUFFIX, "browser_response", browser_response))
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
        self.node.add_validation(
            _AclChecks(web_acl, self.rule_names, self.priorities, self.enabled)
        )

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


def _check_answer(parameter: str, answer: MaintenanceResponse) -> None:
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


@jsii.implements(IValidation)
class _AclChecks:
    """Checks the web ACL as it is at synth: our names and priorities unique, our rules kept."""

    def __init__(
        self, web_acl: wafv2.CfnWebACL, names: list[str], priorities: list[int], enabled: bool
    ) -> None:
        self.web_acl = web_acl
        self.names = names
        self.priorities = priorities
        self.enabled = enabled

    def validate(self) -> list[str]:
        rules: Any = resolved_properties(self.web_acl).get("rules") or []
        errors = []
        path = self.web_acl.node.path
        for rule in rules if isinstance(rules, list) else []:
            name, priority = rule.get("name"), rule.get("priority")
            if name in self.names:
                continue
            if priority in self.priorities:
                errors.append(
                    f"priority: {priority} is already used by the rule {name!r} of {path}; pass "
                    "a priority that no other rule of the web ACL uses (the maintenance rules "
                    f"need {len(self.priorities)})."
                )
        names = [r.get("name") for r in rules if isinstance(r, dict)]
        for name in self.names:
            if self.enabled and name not in names:
                errors.append(
                    f"web_acl: the maintenance rule {name!r} is missing from {path}: its rules "
                    "were replaced after CloudFrontMaintenance appended to them. Set the web "
                    "ACL's own rules before creating CloudFrontMaintenance."
                )
            if names.count(name) > 1:
                errors.append(
                    f"rule_name: {name!r} is used by another rule of {path}; WAF needs unique "
                    "rule names, pass another rule_name."
                )
        return errors
