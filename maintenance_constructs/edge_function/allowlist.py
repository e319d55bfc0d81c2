"""The allowlist as the function searches it: compiled at synth into one string per address
family of fixed-width records, sorted, that the function binary-searches without parsing any
entry. Pure Python, no CDK.

An address is written in base 64 with ``DIGITS``, whose characters are in ASCII order, so
fixed-width strings compare as the numbers they write: zero bits first to fill a whole digit,
then the address's bits, 6 to a digit. IPv4 addresses take 6 digits (4 zero bits); IPv6
networks of /64 or shorter (most allowlist entries) are written by their first 64 bits in 11
digits (2 zero bits), longer ones whole in 22 (4 zero bits). A record is a network's first
address followed by its prefix length (1 digit for IPv4, 2 for IPv6). Networks are collapsed
first (no overlaps), so in each table the last record whose start is not above the viewer's
address is the only candidate; the function converts the viewer's address once per table and
compares the prefix's digits.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

__all__ = ["DIGITS", "RECORD_WIDTHS", "TABLES", "allowlist_of", "compile_allowlist"]

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DIGITS = "+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
"""The 64 digits, in ASCII order (none needs escaping in a JavaScript string)."""
TABLES = {"v4": (32, 6, 1), "v6": (64, 11, 2), "v6l": (128, 22, 2)}
"""Each table: the address bits it writes, the digits they take, the prefix length's digits."""
RECORD_WIDTHS = {table: digits + size for table, (_, digits, size) in TABLES.items()}
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


def _table(network: IpNetwork) -> str:
    if network.version == 4:
        return "v4"
    return "v6" if network.prefixlen <= 64 else "v6l"


def compile_allowlist(networks: Iterable[IpNetwork]) -> dict[str, str]:
    """``{"v4": records, "v6": records, "v6l": records}`` for ``networks`` (collapsed, then
    sorted by table)."""
    v4 = [n for n in networks if n.version == 4]
    v6 = [n for n in networks if n.version == 6]
    collapsed: list[IpNetwork] = [
        *ipaddress.collapse_addresses(v4),
        *ipaddress.collapse_addresses(v6),
    ]
    compiled = {table: "" for table in TABLES}
    for network in sorted(collapsed, key=lambda n: (n.version, n.network_address)):
        table = _table(network)
        bits, digits, size = TABLES[table]
        start = int(network.network_address) >> (network.max_prefixlen - bits)
        compiled[table] += _digits(start, digits) + _digits(network.prefixlen, size)
    return compiled


def allowlist_of(compiled: Mapping[str, str]) -> list[str]:
    """The networks a compiled allowlist holds, as CIDR text (IPv4 first, then by address):
    its read-back."""
    networks: list[IpNetwork] = []
    for table, (bits, digits, _) in TABLES.items():
        records = str(compiled.get(table) or "")
        width = RECORD_WIDTHS[table]
        make = ipaddress.IPv4Network if table == "v4" else ipaddress.IPv6Network
        shift = (32 if table == "v4" else 128) - bits
        for at in range(0, len(records), width):
            record = records[at : at + width]
            start = _number(record[:digits]) << shift
            networks.append(make((start, _number(record[digits:]))))
    ordered = sorted(networks, key=lambda n: (n.version, n.network_address))
    return [str(network) for network in ordered]
