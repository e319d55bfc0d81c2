"""Cross-region references between the stacks of an assembly (``cross_region_references=True``):
the producer's stack holds a writer that puts each value in an SSM parameter of the consumer's
region, the consumer's stack a reader whose attribute, named by the parameter, is the value
(``Fn::GetAtt [reader, "/cdk/exports/<consumer>/<id>"]``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["CROSS_REGION_READER", "CROSS_REGION_WRITER", "cross_region_links"]

CROSS_REGION_WRITER = "Custom::CrossRegionExportWriter"
CROSS_REGION_READER = "Custom::CrossRegionExportReader"


def cross_region_links(
    stacks: Iterable[tuple[str, Mapping[str, Any]]],
) -> tuple[dict[tuple[str, str], tuple[str, Any]], dict[tuple[str, str], str]]:
    """From (stack name, template) pairs: (consumer region, SSM parameter name) -> (producer
    stack, the value its writer exports); (consumer stack, reader logical id) -> the region
    the reader reads in."""
    written: dict[tuple[str, str], tuple[str, Any]] = {}
    readers: dict[tuple[str, str], str] = {}
    for name, template in stacks:
        for logical_id, resource in (template.get("Resources") or {}).items():
            properties = resource.get("Properties") or {}
            if resource.get("Type") == CROSS_REGION_WRITER:
                props = properties.get("WriterProps") or {}
                region = props.get("region")
                for parameter, value in (props.get("exports") or {}).items():
                    if isinstance(region, str):
                        written[(region, parameter)] = (name, value)
            elif resource.get("Type") == CROSS_REGION_READER:
                region = (properties.get("ReaderProps") or {}).get("region")
                if isinstance(region, str):
                    readers[(name, logical_id)] = region
    return written, readers
