"""``maintenance-constructs switch``: the runtime switch of CloudFrontFunctionMaintenance, the
``maintenance`` key of its KeyValueStore: the values written and what the function makes of
them (``values``), the store protocol (``store``), and many doors switched at once, each
distinct store written once (``fleet``).

boto3 is never imported here: the command makes the clients (``cli/aws.py``) and passes them.
"""

from .fleet import Door, Outcome, read_stores, resolve_stores, write_stores
from .store import StoreError, StoreLocation, Switch, store_arn_from_stack
from .values import describe_value, effective_state, switch_value

__all__ = [
    "Door",
    "Outcome",
    "StoreError",
    "StoreLocation",
    "Switch",
    "describe_value",
    "effective_state",
    "read_stores",
    "resolve_stores",
    "store_arn_from_stack",
    "switch_value",
    "write_stores",
]
