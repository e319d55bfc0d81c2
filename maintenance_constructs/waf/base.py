"""The WAF front door shared by CloudFrontMaintenance (scope CLOUDFRONT) and
RegionalMaintenance (scope REGIONAL): web ACL, IP sets, bodies and the maintenance rule(s)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Names, Stack
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from ..bypass_token import BypassTokenParameter, bypass_token_value
from ..cfn import cloudformation_case
from ..errors import MaintenanceConfigError
from ..response import MaintenanceResponse, require_response
from ..scope import MaintenanceScope, default_response, maintenance_scope
from ..shared import SCOPE_METADATA_TYPE, WAF_RULES_METADATA_TYPE
from ..toggle import resolve_enabled
from ..values import IpNetwork, normalize_cidrs, normalize_paths
from .checks import AclChecks, register_on
from .plan import WafPlan, plan_waf_rules
from .rules import (
    CONTENT_TYPES,
    WAF_MAX_IP_SET_ADDRESSES,
    append_to,
    check_answer,
    check_capacity,
    check_link_prefix,
    check_name,
    check_priority,
    link_rule,
    maintenance_rule,
    visibility,
)
from .statements import block_statement, path_is
from .wcu import Capacity, rules_capacity

__all__ = ["WafMaintenance"]

WebAcl = wafv2.CfnWebACL


class WafMaintenance(Construct):
    """A WAF rule that blocks everyone but the allowlist with a maintenance response, in a web
    ACL of ``waf_scope``. The web ACL (default action allow), the IP sets and the response
    bodies exist in both states; toggling changes only the web ACL's ``Rules``.

    Use :class:`~maintenance_constructs.CloudFrontMaintenance` or
    :class:`~maintenance_constructs.RegionalMaintenance`; their parameters are documented
    there.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        waf_scope: str,
        allowed_cidrs: Sequence[str],
        response: MaintenanceResponse | None,
        browser_response: MaintenanceResponse | None,
        bypass_paths: Sequence[str],
        bypass_token: str | BypassTokenParameter | None,
        methods: Sequence[str] | None,
        paths: Sequence[str] | None,
        bypass_link_prefix: str,
        web_acl: wafv2.CfnWebACL | None,
        priority: int,
        rule_name: str,
        enabled: bool | None,
    ) -> None:
        super().__init__(scope, id)
        self.enabled: bool = resolve_enabled(self, enabled)
        """Whether the maintenance rule(s) are in the web ACL in this synthesis."""
        self.waf_scope = waf_scope
        self._check_location()
        check_name(rule_name)
        self.maintenance_scope: MaintenanceScope = maintenance_scope(
            methods=methods, paths=paths, door="waf", bypass_paths=bypass_paths
        )
        """The requests the rule(s) turn away (``methods`` on ``paths``); the others reach the
        app as with maintenance off."""
        answer = require_response("response", response)
        self.response = answer or default_response(self.maintenance_scope)
        """The answer for blocked requests (by default a JSON 503 naming a partial scope)."""
        self.browser_response = require_response("browser_response", browser_response)
        """The answer for blocked browsers, if any."""
        token = bypass_token_value(self, bypass_token, enabled=self.enabled)
        plan = plan_waf_rules(
            rule_name=rule_name,
            priority=priority,
            browser=self.browser_response is not None,
            token=token,
            link_prefix=check_link_prefix(bypass_link_prefix),
        )
        check_priority(priority, len(plan.rules))
        self.plan: WafPlan = plan
        """The maintenance rules as planned, in evaluation order (planned even while off)."""
        self.bypass_link: str | None = plan.bypass_link
        """The path that sets the bypass cookie (a 302 to ``/``); None without a token."""
        self.ip_sets: list[wafv2.CfnIPSet] = self._ip_sets(normalize_cidrs(allowed_cidrs))
        """The allowlist's IP sets: IPv4 first, then IPv6; only families that have addresses."""
        self.priorities: list[int] = plan.priorities
        """The maintenance rules' priorities in evaluation order (planned even while off)."""
        self.rule_names: list[str] = plan.names
        """The maintenance rules' names, in evaluation order (the bypass link's first)."""
        self._init_web_acl(
            web_acl, self._planned_rules(token, normalize_paths(bypass_paths, wildcards=False))
        )
        # Read by the tools: which web ACL rules are this construct's, what they turn away.
        self.node.add_metadata(WAF_RULES_METADATA_TYPE, {"rules": self.rule_names})
        self.node.add_metadata(SCOPE_METADATA_TYPE, self.maintenance_scope.metadata())

    def _init_web_acl(
        self, web_acl: wafv2.CfnWebACL | None, planned: list[WebAcl.RuleProperty]
    ) -> None:
        """Estimate the rules' capacity, and put them in the web ACL (created or given)."""
        self.wcu: Capacity = rules_capacity(cloudformation_case(Stack.of(self).resolve(planned)))
        """The estimated web ACL capacity (WCU) the maintenance rules use while on."""
        check_capacity(self.wcu, self.maintenance_scope)
        self.web_acl: wafv2.CfnWebACL = self._put_rules(web_acl, planned if self.enabled else [])
        """The web ACL that carries the rule(s), created or given."""
        self.web_acl_arn: str = self.web_acl.attr_arn
        """The web ACL's ARN."""
        self.node.add_validation(AclChecks(self, register_on(self.web_acl, self)))

    @property
    def _answers(self) -> dict[str, MaintenanceResponse]:
        """The answers by parameter name, each checked against what a WAF response may carry."""
        answers = {"response": self.response}
        if self.browser_response is not None:
            answers["browser_response"] = self.browser_response
        for rule in self.plan.answering:
            check_answer(rule.answer, answers[rule.answer])
        return answers

    def _put_rules(
        self, web_acl: wafv2.CfnWebACL | None, rules: list[WebAcl.RuleProperty]
    ) -> wafv2.CfnWebACL:
        """The rules (none while off) and response bodies in ``web_acl``, or in a new one."""
        answers = self._answers
        bodies = {
            rule.name: WebAcl.CustomResponseBodyProperty(
                content=answers[rule.answer].body,
                content_type=CONTENT_TYPES[answers[rule.answer].content_type],
            )
            for rule in self.plan.answering
        }
        if web_acl is not None:
            self._check_web_acl_scope(web_acl)
            append_to(web_acl, rules, bodies)
            return web_acl
        return WebAcl(
            self,
            "WebAcl",
            scope=self.waf_scope,
            default_action=WebAcl.DefaultActionProperty(allow={}),
            visibility_config=visibility(
                Names.unique_resource_name(self, max_length=128, allowed_special_characters="-_")
            ),
            rules=rules,
            custom_response_bodies=bodies,
            description="Web ACL carrying the maintenance rule of maintenance-constructs",
        )

    def _planned_rules(self, token: str | None, paths: Sequence[str]) -> list[WebAcl.RuleProperty]:
        """The plan's rules as CloudFormation properties, whether or not they are in the web
        ACL in this synthesis."""
        arns = [ip_set.attr_arn for ip_set in self.ip_sets]
        answers = self._answers
        rules: list[WebAcl.RuleProperty] = []
        for rule in self.plan.rules:
            if rule.kind == "link":
                assert token is not None and self.bypass_link is not None
                statement = path_is(self.bypass_link)
                rules.append(
                    link_rule(
                        name=rule.name, priority=rule.priority, statement=statement, token=token
                    )
                )
                continue
            answer = answers[rule.answer]
            statement = block_statement(
                ip_set_arns=arns,
                bypass_paths=paths,
                browser=rule.kind == "browser",
                bypass_token=token,
                scope=self.maintenance_scope,
            )
            rules.append(
                maintenance_rule(
                    name=rule.name, priority=rule.priority, answer=answer, statement=statement
                )
            )
        return rules

    def _check_location(self) -> None:
        """Where the web ACL may be created (a subclass refuses what AWS would)."""

    def _check_web_acl_scope(self, web_acl: wafv2.CfnWebACL) -> None:
        if web_acl.scope != self.waf_scope:
            raise MaintenanceConfigError(
                f"web_acl: {web_acl.node.path} has scope {web_acl.scope!r}; "
                f"{type(self).__name__} needs a web ACL of scope {self.waf_scope}. Pass such a "
                "web ACL, or leave web_acl=None to create one."
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
                    scope=self.waf_scope,
                    ip_address_version=f"IPV{version}",
                    addresses=addresses,
                    description="Addresses that keep access during maintenance.",
                )
            )
        return ip_sets
