"""What the ALB planner refuses, each with the count and the fix: values whose wildcards
cannot share a rule, bands that overflow (before planning, and as planned), and any planned
rule over the per-rule limits as it will be sent."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import MaintenanceConfigError
from ..shared import alb_cookie_pattern
from ..values import wildcard_count
from .cover import MAX_VALUES_PER_RULE, MAX_WILDCARDS_PER_RULE
from .planned_rule import PlannedRule
from .routes import AppRoute, RuleFields
from .window import BANDS, PriorityBand, RuleKind

__all__ = ["band_overflow", "check_band_floor", "check_rule_limits", "check_wildcards"]


def check_rule_limits(rule: PlannedRule, routes: Sequence[AppRoute] | None) -> None:
    """Refuse a rule that would be sent over the ALB's per-rule limits (the planners split
    within them; this is the last word on the rule as it will be sent)."""
    over = [
        f"{count} {what}, over the {limit} an ALB rule allows"
        for count, what, limit in (
            (rule.value_count, "condition values", MAX_VALUES_PER_RULE),
            (rule.wildcards, "wildcards ('*' and '?')", MAX_WILDCARDS_PER_RULE),
        )
        if count > limit
    ]
    if not over:
        return
    copied = (
        f", copying the conditions of the app rule {routes[rule.route].name}"
        if routes is not None and rule.route is not None
        else ""
    )
    values = [*rule.hosts, *rule.paths, *rule.source_ips]
    values += ["<token>" if rule.kind == "token" else v for v in rule.header_values]
    raise MaintenanceConfigError(
        f"{_BAND_PARAMETERS[rule.kind]}: the {rule.kind} rule {rule.construct_id} would hold "
        f"{' and '.join(over)} (values {values}{copied}). Use fewer wildcards or values in "
        "the hosts and paths (list names instead of patterns)."
    )


_MOST_PAIRS_PER_RULE = 6  # a 2 x 3 (or 3 x 2) block: 5 values


def check_band_floor(kind: RuleKind, hosts: int, others: int) -> None:
    """Refuse at once when even the fewest possible rules overflow the band (and before
    planning, whose search is deep for very long lists)."""
    band = next(b for b in BANDS if b.kind == kind)
    floor = -(-hosts * others // _MOST_PAIRS_PER_RULE)
    if floor > band.size:
        what = "CIDRs" if kind == "allow" else "bypass paths"
        raise MaintenanceConfigError(
            f"{_BAND_PARAMETERS[kind]}: {hosts} hosts and {others} {what} need at least "
            f"{floor} {kind} rules; the {kind} band holds {band.size}, so that the rules never "
            "move onto each other's priorities when the lists change. Shorten the list (merge "
            "ranges, fewer hosts), or put maintenance on CloudFront with "
            "CloudFrontMaintenance, whose WAF IP sets hold 10,000 addresses each."
        )


def check_wildcards(
    hosts: Sequence[str] | None,
    paths: Sequence[str],
    guard: Sequence[str],
    headers: Sequence[tuple[str, str]],
) -> None:
    """Refuse values whose wildcards cannot fit one rule (5, every value of every condition
    counted) together with what they must share it with."""
    limit = MAX_WILDCARDS_PER_RULE
    for parameter, values in (("host_headers", hosts or ()), ("bypass_paths", paths)):
        for value in values:
            if wildcard_count(value) > limit:
                raise MaintenanceConfigError(
                    f"{parameter}: {value!r} has {wildcard_count(value)} wildcards; an ALB rule "
                    f"allows {limit} in total ('*' and '?' of every value of every condition). "
                    f"Use at most {limit}."
                )
    partners = [(p, "bypass_paths", f"the bypass path {p!r}") for p in paths]
    partners += [(g, "bypass_paths", f"the traversal guard {g!r}") for g in guard]
    for name, value in headers:
        if name == "Accept":
            partners.append((value, "browser_response", f"the browser rule's Accept {value!r}"))
        elif wildcard_count(value):
            shown = alb_cookie_pattern("<token>")  # never print the secret itself
            partners.append((value, "bypass_token", f"the bypass cookie pattern {shown!r}"))
    for host in hosts or ():
        for value, parameter, what in partners:
            total = wildcard_count(host) + wildcard_count(value)
            if total > limit:
                raise MaintenanceConfigError(
                    f"host_headers/{parameter}: {host!r} must share a rule with {what}, and "
                    f"together they have {total} wildcards, over the {limit} an ALB rule "
                    "allows. Use fewer '*' and '?' in the host (list the names instead)"
                    + (
                        ", or exact bypass paths (no '*': no traversal guard is needed)"
                        if guard
                        else ""
                    )
                    + "."
                )


_BAND_PARAMETERS: dict[RuleKind, str] = {
    "guard": "bypass_paths/host_headers",
    "bypass": "bypass_paths/host_headers",
    "token": "bypass_token/host_headers",
    "allow": "allowed_cidrs/host_headers",
    "browser": "host_headers",
    "maintenance": "host_headers",
}


def band_overflow(
    band: PriorityBand,
    planned: Sequence[RuleFields],
    hosts: Sequence[str] | None,
    cidrs: Sequence[str],
    bypass_paths: Sequence[str],
    first_priority: int,
    routes: Sequence[AppRoute] | None,
) -> MaintenanceConfigError:
    host_text = "every host" if hosts is None else f"{len(hosts)} hosts"
    first = first_priority + band.offset
    routed = (
        f" (copies of the app's {len(routes) - 1} rules and its default action, which the "
        "forwarding rules follow; or pass target_groups= to forward them to one place)"
        if routes is not None and band.kind in ("bypass", "allow", "token")
        else ""
    )
    return MaintenanceConfigError(
        f"{_BAND_PARAMETERS[band.kind]}: {host_text}, {len(cidrs)} CIDRs and "
        f"{len(bypass_paths)} bypass paths need {len(planned)} {band.kind} rules{routed}; the "
        f"{band.kind} band holds {band.size} (priorities {first}..{first + band.size - 1}), so "
        "that the rules never move onto each other's priorities when the lists change. "
        "Shorten the list (merge ranges, fewer hosts), or put maintenance on CloudFront with "
        "CloudFrontMaintenance, whose WAF IP sets hold 10,000 addresses each."
    )
