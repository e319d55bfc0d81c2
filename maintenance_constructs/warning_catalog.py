"""Every synth warning the constructs can emit, defined once: its id, who emits it, what it
means and what to do. ``docs/warnings.md`` is rendered from this table (and a test keeps it in
step); the constructs take their ids from it, so an id not listed here cannot be emitted.

CDK-free: the docs test and the tools read it without starting the CDK.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOG", "WARNING_PREFIX", "WarningEntry", "render_markdown", "warning_id"]

WARNING_PREFIX = "maintenance-constructs:"


@dataclass(frozen=True)
class WarningEntry:
    """One warning: its short name (the id without the prefix), the constructs that emit
    it, what it means, and what to do (acknowledging it is always possible)."""

    name: str
    emitted_by: str
    means: str
    fix: str

    @property
    def id(self) -> str:
        """The id to acknowledge: ``Annotations.of(construct).acknowledge_warning(id, why)``."""
        return WARNING_PREFIX + self.name


CATALOG: tuple[WarningEntry, ...] = (
    WarningEntry(
        "albHeadersNotSent",
        "AlbMaintenance",
        "A response asks for headers (retry_after, headers), but an ALB fixed response "
        "carries none: they are not sent. A page that says when to come back does not warn.",
        "Drop retry_after/headers for the ALB, or use a WAF front door, which sends them.",
    ),
    WarningEntry(
        "listenerDefaultForwards",
        "AlbMaintenance",
        "host_headers is given and the listener's default action forwards to targets: "
        "requests for other hosts (the load balancer's DNS name, its IP) reach the app past "
        "the maintenance rules.",
        "Omit host_headers, or give the listener a fixed 404 default and the app a rule with "
        "a priority.",
    ),
    WarningEntry(
        "authenticationSkipped",
        "AlbMaintenance",
        "An app rule signs users in before forwarding, and target_groups/action forward "
        "directly: allow-listed clients and bypass paths would skip the sign-in.",
        "Omit target_groups and action (the copies of the app's rules keep the sign-in), or "
        "pass action= with the same chain.",
    ),
    WarningEntry(
        "allowRoutingDiffers",
        "AlbMaintenance",
        "With target_groups/action, app rules on the listener send the requests they match "
        "to other target groups: allow-listed clients would land on the wrong service.",
        "Omit target_groups and action, so that allowed requests are routed as the app's "
        "rules route them.",
    ),
    WarningEntry(
        "otherListenerOpen",
        "AlbMaintenance",
        "Another listener of the same load balancer (a blue/green test listener, a second "
        "port) forwards to the app's target groups and has no maintenance rules: the app "
        "stays open to everyone on that port.",
        "Add an AlbMaintenance to that listener too, or restrict it to the office.",
    ),
    WarningEntry(
        "blueGreenOutsideTemplate",
        "AlbMaintenance",
        "A CodeDeploy deployment group or an ECS BLUE_GREEN service shifts the listener's "
        "production traffic between two target groups outside CloudFormation: the target "
        "group the template names may not be the live one.",
        "Before entering maintenance read the live target group and, if it differs, pass "
        "target_groups=[<it>]; start no deployment while maintenance is on.",
    ),
    WarningEntry(
        "albBehindCloudFront",
        "AlbMaintenance, RegionalMaintenance",
        "The load balancer is the origin of a CloudFront distribution of the app: it sees "
        "CloudFront's addresses, never the viewer's, so the allowlist can never match.",
        "Use CloudFrontMaintenance on the distribution.",
    ),
    WarningEntry(
        "aclRuleBeforeMaintenance",
        "CloudFrontMaintenance, RegionalMaintenance",
        "A rule of the existing web ACL before the maintenance rule can end evaluation with "
        "an allow (an Allow action, a rule group): requests it allows reach the app.",
        "Give the maintenance rules a free lower priority, or renumber those rules; rules that "
        "only block or count may stay ahead.",
    ),
    WarningEntry(
        "webAclCapacity",
        "CloudFrontMaintenance, RegionalMaintenance",
        "The web ACL with the maintenance rules would use more than the 1,500 WCU its base "
        "price includes, or some of its rules cannot be priced here (estimates from the AWS "
        "WAF developer guide).",
        "Check the web ACL's capacity (aws wafv2 get-web-acl), then acknowledge.",
    ),
    WarningEntry(
        "cloudFrontRegionUnknown",
        "CloudFrontMaintenance",
        "The stack's region is not set at synth, but a CLOUDFRONT web ACL and its IP sets "
        "must be created in us-east-1.",
        "Give the stack env=cdk.Environment(region='us-east-1').",
    ),
)

_BY_NAME = {entry.name: entry for entry in CATALOG}


def warning_id(name: str) -> str:
    """The full id of a catalogued warning; a name not in :data:`CATALOG` is a bug."""
    return _BY_NAME[name].id


def render_markdown() -> str:
    """docs/warnings.md."""
    lines = [
        "# Warnings at synth time",
        "",
        "Every warning the constructs can emit. Each has an id you can acknowledge once you have",
        'dealt with it: `cdk.Annotations.of(maintenance).acknowledge_warning(id, "why")`. The',
        "page is generated from `maintenance_constructs/warning_catalog.py`, the one place the ids",
        "are defined; the test suite fails if it drifts.",
        "",
        "| id | emitted by | what it means | what to do |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| `{entry.id}` | {entry.emitted_by} | {entry.means} | {entry.fix} |" for entry in CATALOG
    ]
    return "\n".join(lines) + "\n"
