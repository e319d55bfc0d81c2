"""The DNS name AWS gives an Application Load Balancer, read by the constructs (a synth warning)
and by the preview (a note under a table) to tell a CloudFront origin that is a load balancer's
literal address. No CDK here: the tools import it too."""

from __future__ import annotations

import re

__all__ = ["ALB_ADDRESS"]

ALB_ADDRESS = re.compile(
    r"(?:dualstack\.)?(?:internal-)?(?P<name>[a-z0-9-]+)-\d+\.(?P<region>[a-z0-9-]+)"
    r"\.elb\.amazonaws\.com(?:\.cn)?\.?"
)
"""``<name>-<id>.<region>.elb.amazonaws.com``, lowercased (``internal-`` first for an internal
load balancer, ``dualstack.`` first for its dual-stack name)."""
