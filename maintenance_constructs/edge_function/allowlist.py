"""The allowlist as the function searches it: compiled at synth into one string per address
family of fixed-width records, sorted, that the function binary-searches without parsing any
entry. Pure Python, no CDK.

An address is written in base 64 with ``DIGITS``, whose characters are in ASCII order, so
fixed-width strings compare as the numbers they write: an IPv4 address in 6 digits, an IPv6
address in 22 (4 zero bits, then the address's bits, 6 to a digit). A record is a network's
first address followed by its prefix length (1 digit for IPv4, 2 for IPv6). Networks are
collapsed first (no overlaps), so the last record whose start is not above the viewer's
address is the only candidate; the function converts the viewer's address once and compares
the prefix's digits.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

__all__ = ["DIGITS", "RECORD_WIDTHS", "allowlist_of", "compile_allowlist"]

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DIGITS = "+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
"""The 64 digits, in ASCII order (none needs escaping in a JavaScript string)."""
_ADDRESS_DIGITS = {"v4": 6, "v6": 22}
_LENGTH_DIGITS = {"v4": 1, "v6": 2}
RECORD_WIDTHS = {family: _ADDRESS_DIGITS[family] + _LENGTH_DIGITS[family] for family in ("v4", "v6")}
"""Characters per record: the first address, then the prefix length."""


def _digits(number: int, width: int) -> str:
    out = ""
    for _ in range(width):
        number, digit = divmod(number, 64)
        out = DIGITS[digit] + out
    return out


def _number(digits: str) -> int:
    number = 0
    for character in digits:
        number = number * 64 + DIGITS.index(character)
    return number


def compile_allowlist(networks: Iterable[IpNetwork]) -> dict[str, str]:
    """``{"v4": records, "v6": records}`` for ``networks`` (collapsed and sorted here)."""
    by_family: dict[str, list[IpNetwork]] = {"v4": [], "v6": []}
    for network in networks:
        by_family["v4" if network.version == 4 else "v6"].append(network)
    compiled = {}
    for family, members in by_family.items():
        collapsed = ipaddress.collapse_addresses(members)  # type: ignore[type-var]
        compiled[family] = "".join(
            _digits(int(n.network_address), _ADDRESS_DIGITS[family])
            + _digits(n.prefixlen, _LENGTH_DIGITS[family])
            for n in collapsed
        )
    return compiled


def allowlist_of(compiled: Mapping[str, str]) -> list[str]:
    """The networks a compiled allowlist holds, as CIDR text (IPv4 first): its read-back."""
    networks: list[str] = []
    for family, width in RECORD_WIDTHS.items():
        records = str(compiled.get(family) or "")
        digits = _ADDRESS_DIGITS[family]
        make = ipaddress.IPv4Network if family == "v4" else ipaddress.IPv6Network
        for start in range(0, len(records), width):
            record = records[start : start + width]
            networks.append(str(make((_number(record[:digits]), _number(record[digits:])))))
    return networks
