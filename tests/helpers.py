"""Small helpers the tests share: template diffs and message assertions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
from aws_cdk import assertions


@dataclass(frozen=True)
class TemplateDiff:
    """What changed between two templates, by logical ID."""

    added: dict[str, str] = field(default_factory=dict)  # logical id -> type
    removed: dict[str, str] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)  # logical id -> property keys

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_templates(old: dict[str, Any], new: dict[str, Any]) -> TemplateDiff:
    """Compare the Resources of two templates (Metadata ignored, properties by top-level key)."""
    a, b = old.get("Resources", {}), new.get("Resources", {})
    added = {k: v["Type"] for k, v in b.items() if k not in a}
    removed = {k: v["Type"] for k, v in a.items() if k not in b}
    changed = {}
    for key in a.keys() & b.keys():
        before, after = dict(a[key]), dict(b[key])
        before.pop("Metadata", None)
        after.pop("Metadata", None)
        if before != after:
            props_a, props_b = before.get("Properties", {}), after.get("Properties", {})
            keys = sorted(
                k for k in props_a.keys() | props_b.keys() if props_a.get(k) != props_b.get(k)
            )
            outside = sorted(
                k
                for k in before.keys() | after.keys()
                if k != "Properties" and before.get(k) != after.get(k)
            )
            changed[key] = keys + outside
    return TemplateDiff(added=added, removed=removed, changed=changed)


def assert_only_maintenance_changes(
    diff: TemplateDiff, web_acl_ids: set[str] = frozenset()
) -> None:
    """The toggle's promise: only listener rules come and go, and only web ACL Rules change."""
    for logical_id, resource_type in {**diff.added, **diff.removed}.items():
        assert resource_type == "AWS::ElasticLoadBalancingV2::ListenerRule", (
            logical_id,
            resource_type,
        )
        assert "Maintenance" in logical_id, logical_id
    for logical_id, keys in diff.changed.items():
        assert logical_id in web_acl_ids and keys == ["Rules"], (logical_id, keys)


def synth_template(stack: cdk.Stack) -> assertions.Template:
    return assertions.Template.from_stack(stack)
