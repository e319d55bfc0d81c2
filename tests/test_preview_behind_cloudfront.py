"""The preview notes, under an ALB's rows, that the load balancer is the origin of a CloudFront
distribution wherever the app puts that distribution: in the load balancer's stack, in another
stack of the region (``Fn::ImportValue``), or in another region (``cross_region_references``:
a writer in the load balancer's stack, a reader in the distribution's). The load balancer then
sees CloudFront's addresses, so its allowlist never matches. An origin that is a literal load
balancer address is matched by the load balancer's name when the template gives one, and said
to be possibly this one when it names none of the app's."""

from __future__ import annotations

import pytest
from apps.behind_cloudfront import folders, preview

from maintenance_constructs.tools.app.assembly import qualified, read_templates
from maintenance_constructs.tools.preview.report import render_text

CANNOT_HAPPEN = "so the allow-listed rows cannot happen (use CloudFrontMaintenance"


def _notes(shape: str) -> dict[str, tuple[str, ...]]:
    return {door.name: door.notes for door in preview(shape).front_doors}


def test_same_stack_origin_is_noted_as_before() -> None:
    ((name, (note,)),) = _notes("same-stack").items()
    assert name == "Web/Alb/Http"
    assert note.startswith(
        "the load balancer is the origin of the CloudFront distribution Web/Cdn:"
    )
    assert CANNOT_HAPPEN in note


def test_a_distribution_in_another_stack_reads_the_export() -> None:
    resources = qualified(read_templates(folders("two-stacks")[1]))
    (distribution,) = [
        r for r in resources.values() if r["Type"] == "AWS::CloudFront::Distribution"
    ]
    raw = read_templates(folders("two-stacks")[1])
    edge = next(s for s in raw if s.name == "Edge").template
    assert "Fn::ImportValue" in str(edge["Resources"])  # what CDK wrote: an import
    ((name, (note,)),) = _notes("two-stacks").items()
    assert name == "Web/Alb/Http"
    assert "origin of the CloudFront distribution Edge/Cdn (in the stack Edge):" in note
    assert CANNOT_HAPPEN in note
    assert distribution["Properties"]["DistributionConfig"]["Origins"][0]["DomainName"] == {
        "Fn::GetAtt": ["Web/Alb16C2F182", "DNSName"]
    }


def test_a_distribution_in_another_region_reads_the_cross_region_writer() -> None:
    raw = {s.name: s.template for s in read_templates(folders("two-regions")[1])}
    types = {r["Type"] for s in raw.values() for r in s["Resources"].values()}
    assert {"Custom::CrossRegionExportWriter", "Custom::CrossRegionExportReader"} <= types
    ((name, (note,)),) = _notes("two-regions").items()
    assert name == "Web/Alb/Http"
    assert "origin of the CloudFront distribution Edge/Cdn (in the stack Edge):" in note
    shown = preview("two-regions")
    assert f"  note: {note}" in render_text(shown)
    assert shown.to_json()["front_doors"][0]["notes"] == [note]
    # The synth warning says the same at `cdk synth`, from the load balancer's construct.
    assert any("albBehindCloudFront" in w.text for w in shown.warnings)


def test_a_value_read_across_regions_that_is_not_the_address_is_no_origin() -> None:
    assert _notes("not-an-origin") == {"Web/Alb/Http": ()}


def test_literal_load_balancer_addresses() -> None:
    notes = _notes("literal-addresses")
    (named,) = notes["Web/Named/Http"]
    assert named.startswith(
        "the load balancer is the origin of the CloudFront distribution Edge/Cdn (in the stack "
        "Edge), by its address 'web-1234567890.eu-west-1.elb.amazonaws.com':"
    )
    (maybe,) = notes["Web/Unnamed/Http"]
    assert maybe.startswith(
        "the CloudFront distribution Edge/Shop (in the stack Edge) has the origin "
        "'internal-shop-987654321.eu-west-1.elb.amazonaws.com'"
    )
    assert "if it is this one, it sees CloudFront's addresses" in maybe
    assert notes["Web/Other/Http"] == ()  # named 'other': neither address is its
    # At `cdk synth`, the address of the given name is warned about; the maybe is not.
    warned = {
        w.path for w in preview("literal-addresses").warnings if "albBehindCloudFront" in w.text
    }
    assert warned == {"Web/NamedMaintenance"}


@pytest.mark.parametrize("shape", ["two-stacks", "two-regions"])
def test_the_toggle_still_changes_only_maintenance_rules(shape: str) -> None:
    assert preview(shape).only_maintenance
