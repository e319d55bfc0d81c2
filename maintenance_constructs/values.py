"""Checks and normal forms for the values users list: CIDRs, host names, path patterns."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from aws_cdk import Token

from .errors import MaintenanceConfigError

__all__ = [
    "IpNetwork",
    "host_patterns_overlap",
    "normalize_cidrs",
    "normalize_hosts",
    "normalize_paths",
    "wildcard_count",
]

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_HOST = re.compile(r"^[A-Za-z0-9\-_.*?]+$")
_LAST_LABEL = re.compile(r"\.[A-Za-z]+$")
_PATH = re.compile(r"^[A-Za-z0-9_\-.$/~\"'@:+&*?]+$")
MAX_PATTERN_LENGTH = 128


def _literal_list(values: object, parameter: str) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise MaintenanceConfigError(
            f"{parameter}: expected a list of strings, received {values!r}. Wrap a single value "
            f"in a list: {parameter}=[{values!r}]."
        )
    result = []
    for value in values:
        if not isinstance(value, str):
            raise MaintenanceConfigError(
                f"{parameter}: {value!r} is a {type(value).__name__}, not a string."
            )
        if Token.is_unresolved(value):
            raise MaintenanceConfigError(
                f"{parameter}: {value!r} is a token resolved only at deploy time; the rules are "
                "planned and checked at synth time, so pass literal strings (read them from "
                "context or a file in your app)."
            )
        result.append(value.strip())
    return result


def normalize_cidrs(values: Sequence[str], *, parameter: str = "allowed_cidrs") -> list[IpNetwork]:
    """Parse an allowlist into networks: bare addresses become /32 or /128, duplicates and
    overlapping or adjacent networks are collapsed, IPv4 first. Refuses /0 and host bits."""
    networks: list[IpNetwork] = []
    for text in _literal_list(values, parameter):
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
        networks.append(network)
    v4 = [n for n in networks if isinstance(n, ipaddress.IPv4Network)]
    v6 = [n for n in networks if isinstance(n, ipaddress.IPv6Network)]
    return [*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6)]


def normalize_hosts(values: Sequence[str], *, parameter: str = "host_headers") -> list[str]:
    """Validate ALB host-header values and drop case-insensitive duplicates (first kept)."""
    hosts: list[str] = []
    seen: set[str] = set()
    for host in _literal_list(values, parameter):
        problem = None
        if not host or len(host) > MAX_PATTERN_LENGTH:
            problem = f"must be 1 to {MAX_PATTERN_LENGTH} characters (it has {len(host)})"
        elif not _HOST.match(host):
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
        problem = None
        if not path.startswith("/"):
            problem = "must start with '/'"
        elif len(path) > MAX_PATTERN_LENGTH:
            problem = f"must be at most {MAX_PATTERN_LENGTH} characters (it has {len(path)})"
        elif not _PATH.match(path):
            problem = "may hold only A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?"
        elif not wildcards and ("*" in path or "?" in path):
            problem = "is a prefix here, so wildcards would match literally"
        if problem:
            raise MaintenanceConfigError(
                f"{parameter}: {path!r} {problem}. Write a URL path such as '/health'"
                + ("" if wildcards else " (it matches every path that starts with it)")
                + "."
            )
        if path not in paths:
            paths.append(path)
    return paths


def wildcard_count(value: str) -> int:
    """The wildcards a value spends of the ALB's five per rule."""
    return value.count("*") + value.count("?")


def host_patterns_overlap(first: str, second: str) -> bool:
    """Whether some host name matches both ALB host patterns (case-insensitive; ``*`` any run,
    ``?`` one character)."""
    a, b = first.lower(), second.lower()
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
