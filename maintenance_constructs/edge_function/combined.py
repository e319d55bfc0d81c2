"""Combined functions: for a behavior whose viewer request already runs a CloudFront Function of
the app (an SPA rewrite, redirects), one function of the construct's that runs the maintenance
code first and then the app's code. The app's function resource stays (other behaviors may use
it); only the behavior's association moves to the combined function."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_cloudfront as cloudfront
from constructs import Construct

from ..cfn import construct_path, referenced_element, resolved_properties
from ..errors import MaintenanceConfigError
from ..shared import FUNCTION_METADATA_TYPE
from .code_writer import MAX_FUNCTION_CODE_BYTES, function_code
from .compose import APP_RUNTIMES, compose_code, composed_size_error
from .size import deploy_time_config, oversize_parts

__all__ = ["CombinedFunctions", "app_function"]


def app_function(stack: Stack, arn: Any) -> cloudfront.CfnFunction | None:
    """The app's CfnFunction an association's ``FunctionARN`` refers to, in ``stack`` (by
    ``Fn::GetAtt``, or ``Ref``: a CloudFront Function's Ref is its ARN)."""
    element = referenced_element(stack, arn)
    return element if isinstance(element, cloudfront.CfnFunction) else None


class CombinedFunctions:
    """The construct's combined functions, one per app function, made when first asked for."""

    def __init__(
        self,
        owner: Construct,
        config: Mapping[str, Any],
        store: cloudfront.IKeyValueStore,
    ) -> None:
        self.owner = owner
        self.config = config
        self.store = store
        self.made: dict[str, cloudfront.Function] = {}

    def arn_for(self, app: cloudfront.CfnFunction) -> Any:
        """The ARN (as the template writes it) of the function that runs maintenance, then
        ``app``'s code; refused (one line with the fix) when the two cannot be combined."""
        name = construct_path(app)
        if name not in self.made:
            code = self._combined_code(app, name)
            function = cloudfront.Function(
                self.owner,
                self._child_id(name),
                code=cloudfront.FunctionCode.from_inline(code),
                runtime=cloudfront.FunctionRuntime.JS_2_0,
                key_value_store=self.store,
                comment=f"maintenance-constructs: maintenance, then {name}"[:128],
            )
            resource = function.node.default_child
            assert isinstance(resource, cloudfront.CfnFunction)
            stack = Stack.of(self.owner)
            self.owner.node.add_metadata(
                FUNCTION_METADATA_TYPE, {"function": stack.resolve(resource.logical_id)}
            )
            self.made[name] = function
        return Stack.of(self.owner).resolve(self.made[name].function_arn)

    def _child_id(self, name: str) -> str:
        """``With<app function's path>``: named after the app function, so removing one never
        moves another's code into a function a behavior still runs."""
        base = "With" + re.sub(r"[^A-Za-z0-9]", "", name)[-120:]
        taken = {child.node.id for child in self.owner.node.children}
        return next(
            f"{base}{n or ''}" for n in range(len(taken) + 1) if f"{base}{n or ''}" not in taken
        )

    def _combined_code(self, app: cloudfront.CfnFunction, name: str) -> str:
        properties = resolved_properties(app)
        code = properties.get("functionCode")
        settings = properties.get("functionConfig") or {}
        if not isinstance(code, str):
            raise MaintenanceConfigError(
                f"behaviors: the code of the function {name} is only known at deploy time, so "
                "it cannot be combined with the maintenance code; give it code at synth "
                "(FunctionCode.from_inline or from_file), or leave the behavior out "
                "(behaviors=[...])."
            )
        if settings.get("runtime") not in APP_RUNTIMES:
            raise MaintenanceConfigError(
                f"behaviors: the function {name} runs on {settings.get('runtime')!r}; only "
                f"{' and '.join(APP_RUNTIMES)} functions can be combined."
            )
        self._check_store(name, settings)
        maintenance = function_code(self.config)
        combined = compose_code(maintenance, name, code)
        stand_in = function_code(deploy_time_config(self.config))
        total = len(compose_code(stand_in, name, code).encode("utf-8"))
        if total > MAX_FUNCTION_CODE_BYTES:
            raise MaintenanceConfigError(
                composed_size_error(
                    name,
                    len(stand_in.encode("utf-8")),
                    len(code.encode("utf-8")),
                    total,
                    oversize_parts(self.config, total),
                )
            )
        return combined

    def _check_store(self, name: str, settings: Mapping[str, Any]) -> None:
        """A function reads one store: an app function that reads one must share it."""
        stores = [
            a.get("keyValueStoreArn") for a in settings.get("keyValueStoreAssociations") or []
        ]
        ours = Stack.of(self.owner).resolve(self.store.key_value_store_arn)
        if stores and stores != [ours]:
            raise MaintenanceConfigError(
                f"behaviors: the function {name} reads its own KeyValueStore, and a function "
                "reads one store; pass that store to the construct (store=...), so the "
                "combined function reads it for both (the maintenance key is one key among "
                "the app's)."
            )
