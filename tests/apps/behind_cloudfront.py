"""Apps whose load balancer is the origin of a CloudFront distribution, in the shapes apps
have it: in the load balancer's stack, in another stack of the region (``Fn::ImportValue``),
in another region (``cross_region_references=True``), or by a literal address; each listener
carries AlbMaintenance. ``preview(shape)`` synthesizes one off and on (once per process) and
previews it, as ``maintenance-constructs preview`` does."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from tempfile import mkdtemp

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from apps.shapes import public_vpc
from maintenance_constructs import AlbMaintenance
from maintenance_constructs.tools.preview.report import Preview, preview_assemblies

EU, US = cdk.Environment(region="eu-west-1"), cdk.Environment(region="us-east-1")
PATH_METADATA = {"aws:cdk:enable-path-metadata": True}


def _alb(stack: cdk.Stack, id: str, *, name: str | None = None) -> elbv2.ApplicationLoadBalancer:
    """A load balancer (named ``name``, else at deploy) with a listener (404 default) that
    carries AlbMaintenance."""
    vpc = stack.node.try_find_child("Vpc")
    if not isinstance(vpc, ec2.Vpc):
        vpc = public_vpc(stack)
    alb = elbv2.ApplicationLoadBalancer(
        stack, id, vpc=vpc, internet_facing=True, load_balancer_name=name
    )
    listener = alb.add_listener(
        "Http", port=80, default_action=elbv2.ListenerAction.fixed_response(404)
    )
    AlbMaintenance(
        stack,
        f"{id}Maintenance",
        listener=listener,
        allowed_cidrs=["203.0.113.0/24"],
        action=elbv2.ListenerAction.fixed_response(200),
    )
    return alb


def _distribution(stack: cdk.Stack, id: str, origin: cloudfront.IOrigin) -> None:
    cloudfront.Distribution(stack, id, default_behavior=cloudfront.BehaviorOptions(origin=origin))


def _same_stack(app: cdk.App) -> None:
    web = cdk.Stack(app, "Web", env=EU)
    _distribution(web, "Cdn", origins.LoadBalancerV2Origin(_alb(web, "Alb")))


def _two_stacks(app: cdk.App) -> None:
    alb = _alb(cdk.Stack(app, "Web", env=EU), "Alb")
    _distribution(cdk.Stack(app, "Edge", env=EU), "Cdn", origins.LoadBalancerV2Origin(alb))


def _two_regions(app: cdk.App) -> None:
    alb = _alb(cdk.Stack(app, "Web", env=EU), "Alb")
    edge = cdk.Stack(app, "Edge", env=US, cross_region_references=True)
    _distribution(edge, "Cdn", origins.LoadBalancerV2Origin(alb))


def _literal_addresses(app: cdk.App) -> None:
    """Three load balancers: one named 'web', one named at deploy (no name in the template),
    one named 'other'; the distributions' origins are literal addresses: the named 'web' one,
    an address naming none of the app's load balancers, and a host that is no load balancer."""
    web = cdk.Stack(app, "Web", env=EU)
    _alb(web, "Named", name="web")
    _alb(web, "Unnamed")
    _alb(web, "Other", name="other")
    edge = cdk.Stack(app, "Edge", env=EU)
    _distribution(edge, "Cdn", origins.HttpOrigin("web-1234567890.eu-west-1.elb.amazonaws.com"))
    _distribution(
        edge, "Shop", origins.HttpOrigin("internal-shop-987654321.eu-west-1.elb.amazonaws.com")
    )
    _distribution(edge, "Site", origins.HttpOrigin("origin.example.com"))


def _not_an_origin(app: cdk.App) -> None:
    alb = _alb(cdk.Stack(app, "Web", env=EU), "Alb")
    edge = cdk.Stack(app, "Edge", env=US, cross_region_references=True)
    # The distribution reads the load balancer's name, not its address, for a header.
    origin = origins.HttpOrigin(
        "origin.example.com", custom_headers={"X-Balancer": alb.load_balancer_name}
    )
    _distribution(edge, "Cdn", origin)


SHAPES: dict[str, Callable[[cdk.App], None]] = {
    "same-stack": _same_stack,
    "two-stacks": _two_stacks,
    "two-regions": _two_regions,
    "literal-addresses": _literal_addresses,
    "not-an-origin": _not_an_origin,
}


@cache
def folders(shape: str) -> tuple[Path, Path]:
    folder = Path(mkdtemp(prefix=f"behind-cloudfront-{shape}-"))
    for state in ("false", "true"):
        app = cdk.App(context={**PATH_METADATA, "maintenance": state}, outdir=str(folder / state))
        SHAPES[shape](app)
        app.synth()
    return folder / "false", folder / "true"


@cache
def preview(shape: str) -> Preview:
    return preview_assemblies(*folders(shape))
