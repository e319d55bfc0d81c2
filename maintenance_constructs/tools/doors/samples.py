"""The requests the preview asks about: sample clients inside and outside the allowlist, and
the one request given with ``--request``."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ...scope import MaintenanceScope
from ...shared import BYPASS_HEADER
from ..evaluate.listener_evaluator import condition_values
from ..model import Answer, ClientKind, Request, Row

__all__ = [
    "TokenCarriers",
    "concrete",
    "matching_request",
    "outside_address",
    "parse_request",
    "sample_clients",
    "sample_rows",
    "scope_requests",
]

# Documentation ranges first (RFC 5737, RFC 3849): recognisable, and never a real client.
PREFERRED_OUTSIDE = {
    4: ("192.0.2.1", "198.51.100.1", "203.0.113.1"),
    6: ("2001:db8:ffff::1", "100::1"),
}
_FIELDS = ("host", "ip", "path", "accept", "method", "country")
_NEXT_KEY = re.compile(r",(?=\s*(?:host|ip|path|accept|method|country|header:[^=,]+)=)")


def outside_address(
    version: int, networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> str | None:
    """An address of the family outside every network, documentation ranges first; None when
    the networks cover the whole family."""
    family = sorted((n for n in networks if n.version == version), key=lambda n: n.network_address)
    for text in PREFERRED_OUTSIDE[version]:
        if not any(ipaddress.ip_address(text) in n for n in family):
            return text
    candidate = 1  # the first gap after the (sorted) networks, skipping the all-zero address
    for network in family:
        if candidate < int(network.network_address):
            break
        candidate = max(candidate, int(network.broadcast_address) + 1)
    limit = 2**32 if version == 4 else 2**128
    if candidate >= limit:
        return None
    return str(
        ipaddress.ip_address(candidate) if version == 4 else ipaddress.IPv6Address(candidate)
    )


def sample_clients(cidrs: Sequence[str]) -> list[tuple[str, str]]:
    """(address, label) pairs: an allow-listed and an outside address per family. A family
    whose allowlist covers every address gets no outside sample (and a label saying so)."""
    networks = [ipaddress.ip_network(c, strict=False) for c in cidrs]
    samples = []
    for version in (4, 6):
        family = [n for n in networks if n.version == version]
        if family:
            first = family[0]
            address = first.network_address + (1 if first.num_addresses > 1 else 0)
            samples.append((str(address), f"allow-listed IPv{version}"))
        outside = outside_address(version, family)
        if outside is not None:
            samples.append((outside, f"outside IPv{version}"))
    return samples


def parse_request(spec: str) -> Request:
    """``host=example.com,ip=203.0.113.5,path=/,accept=text/html,method=POST,country=BR,
    header:X-Name=value`` -> Request (``ip`` is required)."""
    fields: dict[str, str] = {}
    headers: list[tuple[str, str]] = []
    # A comma starts a new key only before "key=": values may hold commas (an Accept list).
    for part in _NEXT_KEY.split(spec):
        key, sep, value = part.partition("=")
        key = key.strip()
        if sep and key.lower().startswith("header:") and key[7:].strip():
            name = key[7:].strip()
            if any(name.lower() == seen.lower() for seen, _ in headers):
                raise ValueError(f"--request: header:{name} is given twice; give it once")
            headers.append((name, value.strip()))
            continue
        if not sep or key not in _FIELDS:
            raise ValueError(
                f"--request: {part!r} is not one of {', '.join(f + '=' for f in _FIELDS)} or "
                "header:NAME= (e.g. host=example.com,ip=203.0.113.5,path=/,accept=text/html,"
                "country=BR,header:X-Maintenance-Bypass=...)"
            )
        if key in fields:
            raise ValueError(f"--request: {key}= is given twice; give it once")
        fields[key] = value.strip()
    if "path" in fields and not fields["path"].startswith("/"):
        raise ValueError(f"--request: path={fields['path']!r} does not start with '/'")
    if "method" in fields and not fields["method"].isalpha():
        raise ValueError(f"--request: method={fields['method']!r} is not a method such as GET")
    if "ip" not in fields:
        raise ValueError(f"--request: {spec!r} has no ip=...; give the client address")
    try:
        ipaddress.ip_address(fields["ip"])
    except ValueError:
        raise ValueError(f"--request: ip={fields['ip']!r} is not an IP address") from None
    country = fields.get("country")
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise ValueError(f"--request: country={country!r} is not a two-letter country code")
    return Request(
        host=fields.get("host", "example.com"),
        ip=fields["ip"],
        path=fields.get("path", "/"),
        accept=fields.get("accept", ClientKind.API),
        method=fields.get("method", "GET").upper(),
        country=country.upper() if country else None,
        headers=tuple(headers),
    )


def concrete(pattern: str) -> str:
    """A value an ALB pattern matches: its wildcards filled in."""
    return pattern.replace("*", "x").replace("?", "x")


def matching_request(props: Mapping[str, Any], host: str, ip: str) -> Request | None:
    """A request that matches the app rule ``props`` (its first host, path, header and method
    values, wildcards filled in), for ``host`` when the rule names no host; None when the rule
    has a condition a sample request cannot carry (query strings, its own source IPs)."""
    request = Request(host=host, ip=ip, path="/", accept=ClientKind.API)
    headers = []
    for condition in props.get("Conditions") or []:
        field = condition.get("Field")
        values = condition_values(condition)
        config = condition.get("HttpHeaderConfig") or {}
        if field == "host-header" and values:
            request = replace(request, host=concrete(str(values[0])))
        elif field == "path-pattern" and values:
            request = replace(request, path=concrete(str(values[0])))
        elif field == "http-header" and config.get("Values"):
            headers.append((str(config["HttpHeaderName"]), concrete(str(config["Values"][0]))))
        elif field == "http-request-method" and values:
            request = replace(request, method=str(values[0]))
        else:
            return None
    return replace(request, headers=tuple(headers))


# The header value and the cookie value that carry the bypass token.
TokenCarriers = tuple[Any, Any]


def sample_rows(
    hosts: Sequence[str],
    cidrs: Sequence[str],
    paths: Sequence[str],
    answer: Callable[[Request], tuple[Answer, Answer]],
    token: TokenCarriers | None = None,
    scopes: Sequence[MaintenanceScope] = (),
) -> tuple[Row, ...]:
    """Each host x an allow-listed and an outside client per family x ``/`` and each bypass
    path x a browser and an API client; with a bypass token, an outside client that sends it
    (as the cookie from a browser, as the header from an API client). With partial ``scopes``,
    each client also sends a write and a path in scope (:func:`scope_requests`)."""
    rows = []
    samples = sample_clients(cidrs)
    for host in hosts:
        for ip, client in samples:
            asked = [
                Request(host=host, ip=ip, path=path, accept=accept)
                for path in dict.fromkeys(["/", *(concrete(p) for p in paths)])
                for accept in (ClientKind.BROWSER, ClientKind.API)
            ]
            asked += [
                Request(host=host, ip=ip, path=path, accept=kind, method=method)
                for method, path, kind in scope_requests(scopes)
            ]
            for request in dict.fromkeys(asked):  # a scope's path may be a sampled one too
                off, on = answer(request)
                rows.append(Row(request=request, client=client, off=off, on=on))
        outside = next((ip for ip, client in samples if client.startswith("outside")), None)
        if token is not None and outside is not None:
            header, cookie = token
            for accept, sent in (
                (ClientKind.BROWSER, ("Cookie", cookie)),
                (ClientKind.API, (BYPASS_HEADER, header)),
            ):
                request = Request(host, outside, "/", accept, headers=(sent,))
                off, on = answer(request)
                rows.append(Row(request=request, client="with bypass token", off=off, on=on))
    return tuple(rows)


def scope_requests(scopes: Sequence[MaintenanceScope]) -> list[tuple[str, str, str]]:
    """(method, path, accept) beyond the GET ``/`` rows, so the rows show each partial scope
    from both sides: a path in scope read by a browser and an API client, and a write to it
    (the first method a scope names, else POST). Out of scope: ``/`` read (the plain rows), and
    a write to ``/`` when only some paths are in scope."""
    wanted: dict[tuple[str, str, str], None] = {}
    for scope in (s for s in scopes if s.partial):
        write = next((m for m in scope.methods or () if m not in ("GET", "HEAD")), "POST")
        inside = concrete(scope.paths[0]) if scope.paths else "/"
        if inside != "/":
            for accept in (ClientKind.BROWSER, ClientKind.API):
                wanted[("GET", inside, accept)] = None
            wanted[(write, "/", ClientKind.API)] = None
        wanted[(write, inside, ClientKind.API)] = None
    return list(wanted)
