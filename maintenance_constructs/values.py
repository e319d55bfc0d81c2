"""Checks and normal forms for the values users list: CIDRs, host names, path patterns."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from aws_cdk import Token

from .errors import MaintenanceConfigError
from .shared import MAX_PATTERN_LENGTH, path_problem

__all__ = [
    "IpNetwork",
    "check_literal_number",
    "host_patterns_overlap",
    "normalize_cidrs",
    "normalize_hosts",
    "normalize_paths",
    "patterns_overlap",
    "wildcard_count",
]

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_HOST = re.compile(r"[A-Za-z0-9\-_.*?]+")
_LAST_LABEL = re.compile(r"\.[A-Za-z]+\Z")


def _literal_list(values: object, parameter: str) -> list[str]:
    if values is None:
        raise MaintenanceConfigError(
            f"{parameter}: received None; pass a list of strings (an empty list for none)."
        )
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise MaintenanceConfigError(
            f"{parameter}: expected a list of strings, received {values!r}. Wrap a single value "
            f"in a list: {parameter}=[{values!r}]."
        )
    result = []
    for value in values:
        if not isinstance(value, str):
            raise MaintenanceConfigError(
                f"{parameter}: {value!r} is a {type(value).__name__}, not a string; list each "
                "value as a string, e.g. ['203.0.113.0/24'] or ['example.com']."
            )
        if "\n" in value or "\r" in value:
            raise MaintenanceConfigError(
                f"{parameter}: {value!r} has a line break (what read_text() or a shell "
                "command leaves at the end); strip it, e.g. [line.strip() for line in "
                "text.splitlines()]."
            )
        if Token.is_unresolved(value):
            raise MaintenanceConfigError(
                f"{parameter}: received a deploy-time token (a parameter, import or attribute, "
                "which reads as '${Token[...]}' at synth); the rules are planned and checked at "
                "synth time, so pass literal strings (read them from context or a file in your "
                "app)."
            )
        result.append(value.strip())
    return result


def normalize_cidrs(values: Sequence[str], *, parameter: str = "allowed_cidrs") -> list[IpNetwork]:
    """Parse an allowlist into networks: bare addresses become /32 or /128, duplicates and
    overlapping or adjacent networks are collapsed, IPv4 first. Refuses host bits, zone ids,
    IPv4-mapped IPv6, and any list that covers a whole address family once merged."""
    texts = _literal_list(values, parameter)
    networks = [_network(text, parameter) for text in texts]
    v4 = [n for n in networks if isinstance(n, ipaddress.IPv4Network)]
    v6 = [n for n in networks if isinstance(n, ipaddress.IPv6Network)]
    merged: list[IpNetwork] = [*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6)]
    for network in merged:
        if network.prefixlen == 0:
            family = f"IPv{network.version}"
            given = [
                t for t, n in zip(texts, networks, strict=True) if n.version == network.version
            ]
            raise MaintenanceConfigError(
                f"{parameter}: {given!r} together cover every {family} address (they merge "
                f"into {network}), which is no maintenance at all; list the office and VPN "
                "ranges only, or leave maintenance off."
            )
    return merged


def _network(text: str, parameter: str) -> IpNetwork:
    if "%" in text:
        raise MaintenanceConfigError(
            f"{parameter}: {text!r} has an IPv6 zone id (after '%'), which only means something "
            "on one host's network link and which WAF and ALB refuse; write the address "
            f"without it: {text.split('%', 1)[0]!r}."
        )
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError:
        try:
            meant = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise MaintenanceConfigError(
                f"{parameter}: {text!r} is not an IPv4 or IPv6 address or CIDR; write e.g. "
                "'203.0.113.0/24', '198.51.100.7' or '2001:db8::/48'."
            ) from None
        raise MaintenanceConfigError(
            f"{parameter}: {text!r} has host bits set; did you mean the network "
            f"'{meant}'? Write the network address, or the single address without a prefix."
        ) from None
    if network.prefixlen == 0:
        raise MaintenanceConfigError(
            f"{parameter}: {text!r} allows every address, which is no maintenance at all; "
            "list the office and VPN ranges only, or leave maintenance off."
        )
    mapped = network.network_address.ipv4_mapped if network.version == 6 else None
    if mapped is not None:
        ipv4 = ipaddress.ip_network(f"{mapped}/{max(network.prefixlen - 96, 0)}", strict=False)
        raise MaintenanceConfigError(
            f"{parameter}: {text!r} is an IPv4-mapped IPv6 address, which never matches IPv4 "
            f"clients (they arrive as IPv4, and are checked against IPv4 ranges); write the "
            f"IPv4 form {str(ipv4 if ipv4.prefixlen < 32 else mapped)!r}."
        )
    return network


def normalize_hosts(values: Sequence[str], *, parameter: str = "host_headers") -> list[str]:
    """Validate ALB host-header values and drop case-insensitive duplicates (first kept)."""
    hosts: list[str] = []
    seen: set[str] = set()
    for host in _literal_list(values, parameter):
        problem = None
        if not host or len(host) > MAX_PATTERN_LENGTH:
            problem = f"must be 1 to {MAX_PATTERN_LENGTH} characters (it has {len(host)})"
        elif not _HOST.fullmatch(host):
            problem = "may hold only a-z A-Z 0-9 - _ . and the wildcards * ?"
        elif "." not in host:
            problem = "must contain at least one '.'"
        elif not _LAST_LABEL.search(host):
            problem = "may hold only letters after its final '.'"
        if problem:
            raise MaintenanceConfigError(
                f"{parameter}: {host!r} {problem}, or the ALB rejects the rule at deploy time. "
                "Write a host name such as 'example.com' or '*.example.com' (no scheme, port "
                "or path)."
            )
        if host.lower() not in seen:
            seen.add(host.lower())
            hosts.append(host)
    if not hosts:
        raise MaintenanceConfigError(
            f"{parameter}: received {list(values)!r}; list at least one host name (e.g. "
            "['example.com']), or omit the parameter (None) for rules that cover every request "
            "on the listener. An empty list is refused because it is more likely an allowlist "
            "read from empty configuration than a wish to cover every site."
        )
    return hosts


def normalize_paths(
    values: Sequence[str], *, parameter: str = "bypass_paths", wildcards: bool = True
) -> list[str]:
    """Validate path values (ALB path patterns, or WAF prefixes when ``wildcards`` is False)
    and drop duplicates."""
    paths: list[str] = []
    for path in _literal_list(values, parameter):
        problem = path_problem(path)
        if problem:
            pass  # a path no front door takes
        elif not wildcards and ("*" in path or "?" in path):
            problem = "is a prefix here, so wildcards would match literally"
        elif _matches_every_path(path, wildcards=wildcards):
            problem = (
                "matches every path, so everyone would get through and maintenance would be "
                "off; list only the paths to keep open"
            )
        if problem:
            raise MaintenanceConfigError(
                f"{parameter}: {path!r} {problem}. Write a URL path such as '/health'"
                + ("" if wildcards else " (it matches every path that starts with it)")
                + "."
            )
        if path not in paths:
            paths.append(path)
    return paths


def _matches_every_path(path: str, *, wildcards: bool) -> bool:
    """Whether a bypass value matches (nearly) every request path: a WAF prefix of ``/``, or
    an ALB pattern with nothing but wildcards after the leading ``/`` (``/*``, ``/?*``)."""
    rest = path[1:]
    if not wildcards:
        return rest == ""
    return "*" in rest and not rest.strip("*?")


def check_literal_number(parameter: str, value: object, advice: str) -> None:
    """Refuse a number that is a CDK token (a parameter or attribute resolved at deploy time):
    priorities are planned and checked at synth, and a token reads as a huge float."""
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and Token.is_unresolved(value)
    ):
        raise MaintenanceConfigError(
            f"{parameter}: received a deploy-time token (a parameter, import or attribute, "
            "which reads as a huge negative number at synth), but "
            f"the rules are planned and checked at synth; {advice}"
        )


def wildcard_count(value: str) -> int:
    """The wildcards a value spends of the ALB's five per rule."""
    return value.count("*") + value.count("?")


def host_patterns_overlap(first: str, second: str) -> bool:
    """Whether some host name matches both ALB host patterns (case-insensitive; ``*`` any run,
    ``?`` one character)."""
    return patterns_overlap(first.lower(), second.lower())


def patterns_overlap(a: str, b: str) -> bool:
    """Whether some value matches both ALB patterns (case-sensitive, as path patterns are;
    ``*`` any run, ``?`` one character)."""
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            stack.append((i + 1, j))  # the star matches nothing more
            if j < len(b):
                stack.append((i, j + 1))  # the star takes b's next character
        if j < len(b) and b[j] == "*":
            stack.append((i, j + 1))
            if i < len(a):
                stack.append((i + 1, j))  # b's star takes a's next character
        if (
            i < len(a)
            and j < len(b)
            and "*" not in (a[i], b[j])
            and (a[i] == b[j] or "?" in (a[i], b[j]))
        ):
            stack.append((i + 1, j + 1))
    return False
