"""Template comparison helpers for the toggle's safety promise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk

PATH_METADATA = {"aws:cdk:enable-path-metadata": True}
"""Context that puts each resource's construct path in its Metadata."""
LISTENER_RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
WEB_ACL = "AWS::WAFv2::WebACL"
NESTED_STACK = "AWS::CloudFormation::Stack"
Template = Mapping[str, Any]


def templates(app: cdk.App) -> dict[str, dict[str, Any]]:
    """Every stack template of an app (nested stages included), keyed by artifact id."""
    assembly = app.synth()
    result: dict[str, dict[str, Any]] = {}

    def collect(asm: Any) -> None:
        for stack in asm.stacks:
            result[stack.hierarchical_id] = stack.template
        for nested in asm.nested_assemblies:
            collect(nested.nested_assembly)

    collect(assembly)
    assert result, "the app synthesized no stack"
    return result


@dataclass(frozen=True)
class TemplateDiff:
    """What changed between two templates' Resources, by logical ID (Metadata ignored)."""

    added: dict[str, str] = field(default_factory=dict)  # logical id -> type
    removed: dict[str, str] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)  # logical id -> changed keys

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _strip(resource: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if k != "Metadata"}


def diff_templates(old: Template, new: Template) -> TemplateDiff:
    """Compare two templates resource by resource; properties are compared by top-level key."""
    a, b = old.get("Resources", {}), new.get("Resources", {})
    changed = {}
    for key in a.keys() & b.keys():
        before, after = _strip(a[key]), _strip(b[key])
        if before == after:
            continue
        props_a, props_b = before.get("Properties", {}), after.get("Properties", {})
        keys = [
            k for k in sorted(props_a.keys() | props_b.keys()) if props_a.get(k) != props_b.get(k)
        ]
        keys += [
            k
            for k in sorted(before.keys() | after.keys())
            if k != "Properties" and before.get(k) != after.get(k)
        ]
        changed[key] = keys
    return TemplateDiff(
        added={k: v["Type"] for k, v in b.items() if k not in a},
        removed={k: v["Type"] for k, v in a.items() if k not in b},
        changed=changed,
    )


def _path(resource: Mapping[str, Any]) -> str:
    return str(resource.get("Metadata", {}).get("aws:cdk:path", ""))


def _without_token_parameters(off: Template, on: Template, section: str) -> tuple[Any, Any]:
    """A section of both templates; for Parameters, without the bypass token's SSM parameter,
    which a construct adds only while on (``BypassTokenParameter``)."""
    before, after = off.get(section), on.get(section)
    if section != "Parameters":
        return before, after

    def strip(parameters: Any) -> Any:
        kept = {
            k: v
            for k, v in (parameters or {}).items()
            if not (k.startswith("Maintenance") and "BypassTokenParameter" in k)
        }
        return kept or None

    return strip(before), strip(after)


def assert_toggle_invariants(
    off: Template, on: Template, *, marker: str = "Maintenance/"
) -> TemplateDiff:
    """Prove the toggle's promise between two templates of one stack (either direction):

    * everything but ``Resources`` (Outputs and their Exports, Parameters, Conditions, Rules)
      is the same;
    * resources only come and go if they are listener rules of a maintenance construct
      (``marker`` in their construct path, i.e. a construct id ending in "Maintenance"; needs
      path metadata);
    * the only changed property anywhere is the ``Rules`` of a web ACL (and the
      ``TemplateURL`` of a nested stack whose template changes: check that one on its own);
    * no listener rule present in both changes its ``ListenerArn``;
    * no new rule takes a priority an existing rule holds on the same listener.
    """
    diff = diff_templates(off, on)
    for section in (off.keys() | on.keys()) - {"Resources"}:
        before, after = _without_token_parameters(off, on, section)
        assert before == after, f"the template's {section} change"
    old, new = off["Resources"], on["Resources"]
    for logical_id, resource_type in diff.added.items():
        assert resource_type == LISTENER_RULE, f"{logical_id} ({resource_type}) appears"
        assert marker in _path(new[logical_id]), f"{logical_id} is not a maintenance rule"
    for logical_id, resource_type in diff.removed.items():
        assert resource_type == LISTENER_RULE, f"{logical_id} ({resource_type}) disappears"
        assert marker in _path(old[logical_id]), f"{logical_id} is not a maintenance rule"
    for logical_id, keys in diff.changed.items():
        if new[logical_id]["Type"] == NESTED_STACK:  # its template changes, checked on its own
            assert keys == ["TemplateURL"], (logical_id, keys)
            continue
        assert new[logical_id]["Type"] == WEB_ACL and keys == ["Rules"], (logical_id, keys)
    for logical_id in old.keys() & new.keys():
        if old[logical_id]["Type"] == LISTENER_RULE:
            before, after = old[logical_id]["Properties"], new[logical_id]["Properties"]
            assert before["ListenerArn"] == after["ListenerArn"], f"{logical_id} would be replaced"
    held = {
        (repr(r["Properties"]["ListenerArn"]), r["Properties"]["Priority"])
        for r in old.values()
        if r["Type"] == LISTENER_RULE
    }
    for logical_id in diff.added:
        props = new[logical_id]["Properties"]
        key = (repr(props["ListenerArn"]), props["Priority"])
        assert key not in held, f"{logical_id} takes priority {props['Priority']}, still held"
    return diff


ALWAYS_PRESENT = {"AWS::WAFv2::IPSet", WEB_ACL, "AWS::WAFv2::WebACLAssociation"}


def assert_off_matches_without(off: Template, without: Template) -> None:
    """The off template equals the app built without the construct, apart from the construct's
    always-present resources (IP sets, web ACL, response bodies, regional associations) and the
    web ACL's attachment to a distribution."""
    diff = diff_templates(without, off)
    assert not diff.removed, diff.removed
    for logical_id, resource_type in diff.added.items():
        assert resource_type in ALWAYS_PRESENT, f"{logical_id} ({resource_type}) added while off"
    for logical_id, keys in diff.changed.items():
        resource_type = off["Resources"][logical_id]["Type"]
        if resource_type == WEB_ACL:  # an existing web ACL gains the response bodies
            assert keys == ["CustomResponseBodies"], (logical_id, keys)
            continue
        assert resource_type == "AWS::CloudFront::Distribution", (logical_id, keys)
        before = without["Resources"][logical_id]["Properties"]["DistributionConfig"]
        after = dict(off["Resources"][logical_id]["Properties"]["DistributionConfig"])
        assert "WebACLId" not in before and after.pop("WebACLId")
        assert before == after, f"{logical_id} changes beyond its WebACLId"
