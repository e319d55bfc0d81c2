"""The toggle preview: what maintenance changes, and who still gets through, before a deploy.

Synthesizes the app twice (maintenance off and on), diffs the templates per stack, and evaluates
sample requests against every listener and web ACL that carries maintenance rules, in both
states, with :mod:`maintenance_constructs.evaluator`.
"""

from __future__ import annotations

import ipaddress
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .assembly import StackTemplate, read_states, read_templates, synthesize
from .evaluator import Answer, Request, condition_values, evaluate_listener, evaluate_web_acl
from .toggle_value import MAINTENANCE_CONTEXT_KEY, parse_toggle_value

__all__ = [
    "Change",
    "FrontDoor",
    "Preview",
    "Row",
    "build_preview",
    "parse_request",
    "preview_assemblies",
]

LISTENER_RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
WEB_ACL = "AWS::WAFv2::WebACL"
IP_SET = "AWS::WAFv2::IPSet"
OUTSIDE = {4: ("192.0.2.1", "198.51.100.1", "203.0.113.1"), 6: ("2001:db8:ffff::1", "100::1")}
ANY_HOST = "(any host)"
"""The sample host for rules that cover every request (e.g. the load balancer's DNS name)."""
BROWSER, API = "text/html,application/xhtml+xml", "application/json"


@dataclass(frozen=True)
class Change:
    """One resource the toggle adds, removes or changes."""

    stack: str
    logical_id: str
    type: str
    change: str  # "added", "removed", "changed"
    paths: tuple[str, ...]
    construct: str
    maintenance: bool


@dataclass(frozen=True)
class Row:
    """One sample request and its answers with maintenance off and on."""

    request: Request
    client: str  # "allow-listed IPv4", "outside IPv6", ...
    off: Answer
    on: Answer


@dataclass(frozen=True)
class FrontDoor:
    """A listener or web ACL that carries maintenance rules, and its who-gets-what table."""

    kind: str  # "ALB listener" or "WAF web ACL"
    name: str
    stack: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Preview:
    changes: tuple[Change, ...]
    front_doors: tuple[FrontDoor, ...]
    on_value: Any

    @property
    def only_maintenance(self) -> bool:
        return all(change.maintenance for change in self.changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "on_value": self.on_value,
            "only_maintenance_rules": self.only_maintenance,
            "changes": [asdict(c) for c in self.changes],
            "front_doors": [
                {
                    "kind": door.kind,
                    "name": door.name,
                    "stack": door.stack,
                    "rows": [
                        {
                            "request": asdict(row.request),
                            "client": row.client,
                            "off": asdict(row.off),
                            "on": asdict(row.on),
                        }
                        for row in door.rows
                    ],
                }
                for door in self.front_doors
            ],
        }


def parse_request(spec: str) -> Request:
    """``host=example.com,ip=203.0.113.5,path=/,accept=text/html`` -> Request."""
    fields: dict[str, str] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        if not sep or key.strip() not in ("host", "ip", "path", "accept"):
            raise ValueError(
                f"--request: {part!r} is not one of host=, ip=, path=, accept= "
                "(e.g. host=example.com,ip=203.0.113.5,path=/,accept=text/html)"
            )
        fields[key.strip()] = value.strip()
    if "ip" not in fields:
        raise ValueError(f"--request: {spec!r} has no ip=...; give the client address")
    try:
        ipaddress.ip_address(fields["ip"])
    except ValueError:
        raise ValueError(f"--request: ip={fields['ip']!r} is not an IP address") from None
    return Request(
        host=fields.get("host", "example.com"),
        ip=fields["ip"],
        path=fields.get("path", "/"),
        accept=fields.get("accept", API),
    )


# -- template diff ------------------------------------------------------------------------


def _paths(before: Any, after: Any, prefix: str) -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(before.keys() | after.keys()):
            if before.get(key) != after.get(key):
                found += _paths(before.get(key), after.get(key), f"{prefix}.{key}")
        return found
    return [prefix] if before != after else []


def _without_metadata(resource: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if k != "Metadata"}


def _construct_path(resource: Mapping[str, Any]) -> str:
    return str(resource.get("Metadata", {}).get("aws:cdk:path", ""))


def _is_maintenance_rule(resource: Mapping[str, Any], constructs: Sequence[str]) -> bool:
    path = _construct_path(resource)
    return resource.get("Type") == LISTENER_RULE and any(
        path.startswith(construct + "/") for construct in constructs
    )


def diff_stacks(
    off: Sequence[StackTemplate], on: Sequence[StackTemplate], constructs: Sequence[str]
) -> list[Change]:
    """Resources the toggle adds, removes or changes, each marked as maintenance or not."""
    before_by_name = {s.name: s.template.get("Resources", {}) for s in off}
    changes = []
    for stack in on:
        after = stack.template.get("Resources", {})
        before = before_by_name.get(stack.name, {})
        for logical_id in sorted(before.keys() | after.keys()):
            old, new = before.get(logical_id), after.get(logical_id)
            if old is not None and new is not None:
                paths = _paths(_without_metadata(old), _without_metadata(new), "")
                if not paths:
                    continue
                resource, change = new, "changed"
                ok = new["Type"] == WEB_ACL and paths == [".Properties.Rules"]
            else:
                resource = new if new is not None else old
                assert resource is not None
                change, paths = ("added" if new is not None else "removed"), [""]
                ok = _is_maintenance_rule(resource, constructs)
            changes.append(
                Change(
                    stack=stack.name,
                    logical_id=logical_id,
                    type=str(resource["Type"]),
                    change=change,
                    paths=tuple(p.lstrip(".") for p in paths if p),
                    construct=_construct_path(resource).lstrip("/").removesuffix("/Resource"),
                    maintenance=ok,
                )
            )
    return changes


# -- front doors ----------------------------------------------------------------------------


def _readable(resources: Mapping[str, Any]) -> dict[str, str]:
    names = {}
    for logical_id, resource in resources.items():
        path = _construct_path(resource).lstrip("/")
        names[logical_id] = path.removesuffix("/Resource") or logical_id
    return names


def _conditions(props: Mapping[str, Any], field: str) -> list[str]:
    values: list[str] = []
    for condition in props.get("Conditions") or []:
        if condition.get("Field") == field:
            values += condition_values(condition)
    return values


def _samples(cidrs: Sequence[str]) -> list[tuple[str, str]]:
    networks = [ipaddress.ip_network(c, strict=False) for c in cidrs]
    samples = []
    for version in (4, 6):
        family = [n for n in networks if n.version == version]
        if family:
            first = family[0]
            address = first.network_address + (1 if first.num_addresses > 1 else 0)
            samples.append((str(address), f"allow-listed IPv{version}"))
        outside = next(
            a for a in OUTSIDE[version] if not any(ipaddress.ip_address(a) in n for n in family)
        )
        samples.append((outside, f"outside IPv{version}"))
    return samples


def _concrete(pattern: str) -> str:
    return pattern.replace("*", "x").replace("?", "x")


def _rows(
    hosts: Sequence[str],
    cidrs: Sequence[str],
    paths: Sequence[str],
    answer: Any,
) -> tuple[Row, ...]:
    rows = []
    for host in hosts:
        for ip, client in _samples(cidrs):
            for path in ["/", *(_concrete(p) for p in paths)]:
                for accept in (BROWSER, API):
                    request = Request(host=host, ip=ip, path=path, accept=accept)
                    off, on = answer(request)
                    rows.append(Row(request=request, client=client, off=off, on=on))
    return tuple(rows)


def _rules_on(resources: Mapping[str, Any], arn: str, names: Mapping[str, str]) -> list[Any]:
    return [
        (names.get(k, k), r["Properties"])
        for k, r in resources.items()
        if r["Type"] == LISTENER_RULE and repr(r["Properties"]["ListenerArn"]) == arn
    ]


def _listener_door(
    stack: str,
    reference: Any,
    off: Mapping[str, Any],
    on: Mapping[str, Any],
    mine: Sequence[Mapping[str, Any]],
    requests: Sequence[Request] | None,
) -> FrontDoor:
    arn = repr(reference)
    names = {**_readable(off), **_readable(on)}
    listener_id = reference.get("Ref") if isinstance(reference, Mapping) else None
    listener = on.get(listener_id, {}) if listener_id else {}
    default = listener.get("Properties", {}).get("DefaultActions") if listener else None
    rules_off, rules_on = _rules_on(off, arn, names), _rules_on(on, arn, names)

    def answer(request: Request) -> tuple[Answer, Answer]:
        return (
            evaluate_listener(rules_off, default, request, names=names),
            evaluate_listener(rules_on, default, request, names=names),
        )

    if requests is not None:
        rows = tuple(Row(r, "requested", *answer(r)) for r in requests)
    else:
        hosts = list(dict.fromkeys(h for p in mine for h in _conditions(p, "host-header")))
        # Rules without a host condition cover every host: sample one no rule names.
        hosts = hosts or [ANY_HOST]
        cidrs = list(dict.fromkeys(c for p in mine for c in _conditions(p, "source-ip")))
        paths = list(dict.fromkeys(c for p in mine for c in _conditions(p, "path-pattern")))
        paths = [p for p in paths if p != "/*"]  # the catch-all of host-less rules: "/" shows it
        rows = _rows([_concrete(h) for h in hosts], cidrs, paths, answer)
    name = names.get(listener_id, str(reference)) if listener_id else str(reference)
    return FrontDoor("ALB listener", name, stack, rows)


def _listeners(
    off: Mapping[str, Any],
    on: Mapping[str, Any],
    constructs: Sequence[str],
    requests: Sequence[Request] | None,
) -> list[FrontDoor]:
    """The listeners that carry maintenance rules, from resources of every stack (see
    :func:`_qualified`): a listener in one stack may get its rules from another."""
    by_listener: dict[str, list[Mapping[str, Any]]] = {}
    references: dict[str, tuple[Any, str]] = {}
    for qualified_id, resource in on.items():
        if _is_maintenance_rule(resource, constructs):
            reference = resource["Properties"]["ListenerArn"]
            by_listener.setdefault(repr(reference), []).append(resource["Properties"])
            references[repr(reference)] = (reference, qualified_id.split("/")[0])
    return [
        _listener_door(references[key][1], references[key][0], off, on, mine, requests)
        for key, mine in sorted(by_listener.items())
    ]


def _qualified(stacks: Sequence[StackTemplate]) -> dict[str, Any]:
    """The resources of every stack in one mapping, keyed ``Stack/LogicalId``, with ``Ref``,
    ``Fn::GetAtt`` and ``Fn::ImportValue`` (of the assembly's own exports) rewritten to those
    keys, so references across stacks read like references within one."""
    exports: dict[str, tuple[str, Any]] = {}
    for stack in stacks:
        for output in (stack.template.get("Outputs") or {}).values():
            name = (output.get("Export") or {}).get("Name")
            if isinstance(name, str):
                exports[name] = (stack.name, output.get("Value"))

    def rewrite(value: Any, stack: str) -> Any:
        if isinstance(value, list):
            return [rewrite(item, stack) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, inner),) = value.items()
            if key == "Ref" and isinstance(inner, str) and not inner.startswith("AWS::"):
                return {"Ref": f"{stack}/{inner}"}
            if key == "Fn::GetAtt" and isinstance(inner, list) and inner:
                return {"Fn::GetAtt": [f"{stack}/{inner[0]}", *inner[1:]]}
            if key == "Fn::ImportValue" and isinstance(inner, str) and inner in exports:
                producer, exported = exports[inner]
                return rewrite(exported, producer)
        return {key: rewrite(item, stack) for key, item in value.items()}

    return {
        f"{stack.name}/{logical_id}": rewrite(resource, stack.name)
        for stack in stacks
        for logical_id, resource in stack.template.get("Resources", {}).items()
    }


def _prefixes(statement: Any) -> list[str]:
    if isinstance(statement, Mapping):
        found = []
        match = statement.get("ByteMatchStatement")
        if isinstance(match, Mapping) and match.get("PositionalConstraint") == "STARTS_WITH":
            found.append(str(match.get("SearchString")))
        for value in statement.values():
            found += _prefixes(value)
        return found
    if isinstance(statement, list):
        return [p for item in statement for p in _prefixes(item)]
    return []


def _web_acls(
    stack: str,
    off: Mapping[str, Any],
    on: Mapping[str, Any],
    requests: Sequence[Request] | None,
) -> list[FrontDoor]:
    doors = []
    names = _readable(on)
    for logical_id, resource in on.items():
        if resource["Type"] != WEB_ACL or logical_id not in off:
            continue
        acl_on, acl_off = resource["Properties"], off[logical_id]["Properties"]
        if acl_on.get("Rules") == acl_off.get("Rules"):
            continue

        def ip_sets(resources: Mapping[str, Any]) -> dict[str, list[str]]:
            return {
                k: list(r["Properties"].get("Addresses", []))
                for k, r in resources.items()
                if r["Type"] == IP_SET
            }

        def answer(
            request: Request, acl_on: Any = acl_on, acl_off: Any = acl_off
        ) -> tuple[Answer, Answer]:
            return (
                evaluate_web_acl(acl_off, ip_sets(off), request),
                evaluate_web_acl(acl_on, ip_sets(on), request),
            )

        cidrs = [c for addresses in ip_sets(on).values() for c in addresses]
        added = [r for r in acl_on.get("Rules", []) if r not in (acl_off.get("Rules") or [])]
        rows = (
            tuple(Row(r, "requested", *answer(r)) for r in requests)
            if requests is not None
            else _rows([ANY_HOST], cidrs, list(dict.fromkeys(_prefixes(added))), answer)
        )
        doors.append(FrontDoor("WAF web ACL", names.get(logical_id, logical_id), stack, rows))
    return doors


def on_value(context: Mapping[str, Any]) -> Any:
    """The value that means "on" for this preview: the given one if it switches anything on
    (e.g. a selector), else ``True``."""
    value = context.get(MAINTENANCE_CONTEXT_KEY)
    return value if parse_toggle_value(value).on_anywhere else True


def build_preview(
    app: str,
    *,
    cwd: Path,
    context: Mapping[str, Any],
    requests: Sequence[Request] | None = None,
) -> Preview:
    """Synthesize ``app`` off and on (other context kept) and build the preview."""
    value = on_value(context)
    with tempfile.TemporaryDirectory(prefix="maintenance-preview-") as folder:
        off_dir, on_dir = Path(folder, "off"), Path(folder, "on")
        # Two independent app processes: run them side by side (2 cores).
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = [
                pool.submit(
                    synthesize,
                    app,
                    cwd=cwd,
                    context={**context, MAINTENANCE_CONTEXT_KEY: state},
                    outdir=folder_of_state,
                )
                for state, folder_of_state in ((False, off_dir), (value, on_dir))
            ]
            for run in runs:
                run.result()
        return preview_assemblies(off_dir, on_dir, on_value=value, requests=requests)


def preview_assemblies(
    off_dir: Path,
    on_dir: Path,
    *,
    on_value: Any = True,
    requests: Sequence[Request] | None = None,
) -> Preview:
    """The preview of two cloud assemblies of one app, synthesized off and on (with path
    metadata, as the CDK CLI writes it)."""
    off, on = read_templates(off_dir), read_templates(on_dir)
    constructs = [state.path for state in read_states(on_dir)]
    changes = diff_stacks(off, on, constructs)
    doors = _listeners(_qualified(off), _qualified(on), constructs, requests)
    off_by_name = {s.name: s.template.get("Resources", {}) for s in off}
    for stack in on:
        before, after = off_by_name.get(stack.name, {}), stack.template.get("Resources", {})
        doors += _web_acls(stack.name, before, after, requests)
    return Preview(changes=tuple(changes), front_doors=tuple(doors), on_value=on_value)


def render_text(preview: Preview) -> str:
    """The human-readable preview."""
    lines = [f"Maintenance preview: off (false) -> on ({preview.on_value!r})", ""]
    lines.append("What the toggle changes:")
    if not preview.changes:
        lines.append("  nothing (no maintenance construct is switched on by this value)")
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for change in preview.changes:
        where = f" [{', '.join(change.paths)}]" if change.paths else ""
        flag = "maintenance rule" if change.maintenance else "NOT A MAINTENANCE RULE"
        lines.append(
            f"  {marks[change.change]} {change.stack}: {change.type} {change.logical_id} "
            f"({change.construct}){where}  -> {flag}"
        )
    lines.append("")
    if preview.only_maintenance:
        lines.append("Only maintenance rules change.")
    else:
        others = sum(not c.maintenance for c in preview.changes)
        lines.append(f"WARNING: {others} change(s) are not maintenance rules (exit code 3).")
    for door in preview.front_doors:
        lines += ["", f"Who gets what: {door.kind} {door.name} ({door.stack})"]
        header = ("host", "client", "path", "accept", "maintenance off", "maintenance on")
        table = [header] + [
            (
                row.request.host,
                f"{row.request.ip} ({row.client})",
                row.request.path,
                "browser"
                if row.request.accept == BROWSER
                else ("api" if row.request.accept == API else row.request.accept),
                row.off.describe(),
                row.on.describe(),
            )
            for row in door.rows
        ]
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        for row_cells in table:
            lines.append(
                "  "
                + "  ".join(c.ljust(w) for c, w in zip(row_cells, widths, strict=True)).rstrip()
            )
        notes = sorted({n for row in door.rows for a in (row.off, row.on) for n in a.notes})
        lines += [f"  note: {n}" for n in notes]
    return "\n".join(lines) + "\n"
