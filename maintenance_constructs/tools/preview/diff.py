"""What the toggle changes, across whole assemblies: stacks, template sections (outputs and
exports, parameters, conditions) and resources (properties, ``DependsOn``, policies).

A change is a *maintenance* change only when it is one of the maintenance constructs' own
rules: a listener rule under a construct's path, or, in a web ACL, a rule a construct names.
Everything else is reported with the resource, the property and, where known, a plain reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..app.assembly import ConstructState, StackTemplate, qualified
from ..app.resource_types import WEB_ACL, is_maintenance_rule, readable_names
from ..evaluate.function_code import function_code_words
from .rule_words import listener_rule_words, web_acl_rule_words

__all__ = ["Change", "diff_assemblies"]

SECTIONS = ("Parameters", "Conditions", "Mappings", "Outputs", "Rules", "Transform", "Metadata")


@dataclass(frozen=True)
class Change:
    """One thing the toggle adds, removes or changes."""

    stack: str
    logical_id: str
    type: str
    change: str  # "added", "removed", "changed"
    paths: tuple[str, ...]
    construct: str
    maintenance: bool
    description: str = ""
    """The rule in words, for maintenance rules."""
    reason: str = ""
    """Why this matters, for changes that are not maintenance rules."""


def _paths(before: Any, after: Any, prefix: str = "") -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(before.keys() | after.keys()):
            if before.get(key) != after.get(key):
                found += _paths(before.get(key), after.get(key), f"{prefix}.{key}")
        return found
    return [prefix.lstrip(".")] if before != after else []


class _StackDiff:
    def __init__(
        self,
        name: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        states: Sequence[ConstructState],
        resolved: Mapping[str, Any],
    ) -> None:
        self.name = name
        self.resolved = resolved
        """Every stack's resources with references followed across stacks (see
        :func:`~maintenance_constructs.tools.app.assembly.qualified`), keyed ``Stack/LogicalId``."""
        self.resolved_names = readable_names(resolved)
        self.before, self.after = before, after
        self.constructs = [s.path for s in states]
        self.waf_rules = {rule for s in states for rule in s.waf_rules}
        self.parameters = {parameter for s in states for parameter in s.parameters}
        self.functions = {function for s in states for function in s.functions}
        self.old = before.get("Resources", {})
        self.new = after.get("Resources", {})
        self.names = {**readable_names(self.old), **readable_names(self.new)}
        self.ours = {
            k
            for resources in (self.old, self.new)
            for k, r in resources.items()
            if is_maintenance_rule(r, self.constructs)
        }

    def changes(self) -> Iterator[Change]:
        yield from self._sections()
        for logical_id in sorted(self.old.keys() | self.new.keys()):
            yield from self._resource(logical_id)

    def _sections(self) -> Iterator[Change]:
        for section in SECTIONS:
            old, new = self.before.get(section) or {}, self.after.get(section) or {}
            if not isinstance(old, dict) or not isinstance(new, dict):
                old, new = {"": old}, {"": new}
            for key in sorted(old.keys() | new.keys()):
                if old.get(key) == new.get(key):
                    continue
                change = "added" if key not in old else "removed" if key not in new else "changed"
                if section == "Parameters" and key in self.parameters and change != "changed":
                    yield Change(
                        self.name,
                        key,
                        "Parameter",
                        change,
                        (),
                        "",
                        True,
                        description=f"parameter {key}: the bypass token from SSM, read while on",
                    )
                    continue
                exported = "Export" in (new.get(key) or old.get(key) or {})
                reason = (
                    "an export that exists in one state only: CloudFormation refuses to delete "
                    "an export another stack still imports, so the toggle could fail to deploy"
                    if exported and change != "changed"
                    else f"the stack's {section} change with the toggle"
                )
                yield Change(
                    self.name,
                    key or section,
                    section.removesuffix("s"),
                    change,
                    (),
                    "",
                    False,
                    reason=reason,
                )

    def _resource(self, logical_id: str) -> Iterator[Change]:
        old, new = self.old.get(logical_id), self.new.get(logical_id)
        resource = new if new is not None else old
        assert resource is not None
        kind = str(resource["Type"])
        construct = self.names.get(logical_id, logical_id)
        if old is None or new is None:
            change = "added" if new is not None else "removed"
            if logical_id in self.ours:
                words = self._rule_words(construct, logical_id, resource)
                yield Change(self.name, logical_id, kind, change, (), construct, True, words)
            else:
                yield Change(
                    self.name,
                    logical_id,
                    kind,
                    change,
                    (),
                    construct,
                    False,
                    reason="a resource that exists in one state only",
                )
            return
        strip = {k: v for k, v in old.items() if k != "Metadata"}
        paths = _paths(strip, {k: v for k, v in new.items() if k != "Metadata"})
        if not paths:
            return
        if logical_id in self.ours:
            words = self._rule_words(construct, logical_id, new)
            yield Change(
                self.name, logical_id, kind, "changed", tuple(paths), construct, True, words
            )
        elif logical_id in self.functions and all(
            p.startswith("Properties.FunctionCode") for p in paths
        ):
            words = function_code_words(construct, old, new)
            yield Change(
                self.name, logical_id, kind, "changed", tuple(paths), construct, True, words
            )
        elif kind == WEB_ACL and paths[0].startswith("Properties.Rules"):
            yield from self._web_acl(logical_id, construct, old, new, paths)
        else:
            yield Change(
                self.name,
                logical_id,
                kind,
                "changed",
                tuple(paths),
                construct,
                False,
                reason=self._reason(old, new, paths),
            )

    def _rule_words(self, construct: str, logical_id: str, resource: Mapping[str, Any]) -> str:
        """A listener rule in words, its listener and targets named by path wherever they are
        (another stack, a nested stack's parameter)."""
        resolved = self.resolved.get(f"{self.name}/{logical_id}", resource)
        return listener_rule_words(construct, resolved["Properties"], self.resolved_names)

    def _reason(self, old: Mapping[str, Any], new: Mapping[str, Any], paths: list[str]) -> str:
        if paths == ["DependsOn"]:
            gained = set(new.get("DependsOn") or []) - set(old.get("DependsOn") or [])
            lost = set(old.get("DependsOn") or []) - set(new.get("DependsOn") or [])
            if (gained or lost) <= self.ours:
                verb = "gained" if gained else "lost"
                rules = ", ".join(self.names.get(r, r) for r in sorted(gained or lost))
                return f"its DependsOn {verb} a maintenance rule ({rules})"
        return "a property that changes with the toggle, outside the maintenance rules"

    def _web_acl(
        self,
        logical_id: str,
        construct: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        paths: list[str],
    ) -> Iterator[Change]:
        """The web ACL's rules one by one: ours are maintenance changes, others are not."""
        before = {r.get("Name"): r for r in old["Properties"].get("Rules") or []}
        after = {r.get("Name"): r for r in new["Properties"].get("Rules") or []}
        bodies = new["Properties"].get("CustomResponseBodies") or {}
        outside = [p for p in paths if not p.startswith("Properties.Rules")]
        if outside:
            yield Change(
                self.name,
                logical_id,
                WEB_ACL,
                "changed",
                tuple(outside),
                construct,
                False,
                reason="a web ACL property other than its rules changes with the toggle",
            )
        for name in sorted(before.keys() | after.keys(), key=str):
            rule_old, rule_new = before.get(name), after.get(name)
            if rule_old == rule_new:
                continue
            rule = rule_new if rule_new is not None else rule_old
            assert rule is not None
            change = "added" if rule_old is None else "removed" if rule_new is None else "changed"
            ours = name in self.waf_rules
            yield Change(
                self.name,
                logical_id,
                WEB_ACL,
                change,
                (f"Properties.Rules[{name}]",),
                construct,
                ours,
                description=web_acl_rule_words(rule, bodies, self.names),
                reason="" if ours else f"the web ACL rule {name!r} is no maintenance construct's",
            )


def diff_assemblies(
    off: Sequence[StackTemplate],
    on: Sequence[StackTemplate],
    states: Sequence[ConstructState],
) -> list[Change]:
    """Everything the toggle changes between two synthesized assemblies of one app."""
    before = {s.name: s.template for s in off}
    after = {s.name: s.template for s in on}
    changes: list[Change] = []
    for name in sorted(before.keys() ^ after.keys()):
        change = "added" if name in after else "removed"
        changes.append(
            Change(
                name,
                name,
                "AWS::CloudFormation::Stack",
                change,
                (),
                name,
                False,
                reason="a whole stack that exists in one state only",
            )
        )
    resolved = {**qualified(off), **qualified(on)}
    for name in [s.name for s in on if s.name in before]:
        changes += _StackDiff(name, before[name], after[name], states, resolved).changes()
    return _nested_template_urls(changes, on)


def _nested_template_urls(changes: list[Change], on: Sequence[StackTemplate]) -> list[Change]:
    """A nested stack's ``TemplateURL`` names its template by hash, so it changes with any
    change of the nested template: part of the toggle when the nested stack's own changes are
    all maintenance rules (and it changes nothing else)."""
    nested = {(s.parent, s.resource): s.name for s in on if s.parent}
    only_ours = {
        name: all(c.maintenance for c in changes if c.stack == name)
        and any(c.stack == name for c in changes)
        for name in nested.values()
    }
    result = []
    for change in changes:
        child = nested.get((change.stack, change.logical_id))
        if (
            child is not None
            and change.change == "changed"
            and change.paths
            and all(p.startswith("Properties.TemplateURL") for p in change.paths)
            and only_ours[child]
        ):
            change = replace(
                change,
                maintenance=True,
                description=f"nested stack {child}: its template changes, maintenance rules only",
            )
        result.append(change)
    return result
