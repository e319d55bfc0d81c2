"""The app's own viewer-request function kept: combined with the maintenance code into one
function (the aws-samples SPA rewrite on both runtimes, a redirect function with its own store,
two distributions sharing a store), run on Node and njs, and the toggle changing only the
maintenance code."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk.assertions import Match, Template
from function_runner import ENGINES

from maintenance_constructs import CloudFrontFunctionMaintenance, MaintenanceConfigError
from maintenance_constructs.edge_function.code_writer import function_code, function_config
from maintenance_constructs.edge_function.compose import compose_code
from maintenance_constructs.response import MaintenanceResponse
from maintenance_constructs.tools.evaluate.function_engines import run_function, viewer_request

SPA_JS1 = """function handler(event) {
    var request = event.request;
    var uri = request.uri;

    // Check whether the URI is missing a file name.
    if (uri.endsWith('/')) {
        request.uri += 'index.html';
    }
    // Check whether the URI is missing a file extension.
    else if (!uri.includes('.')) {
        request.uri += '/index.html';
    }

    return request;
}
"""
"""The aws-samples single-page-app rewrite, as written for cloudfront-js-1.0."""
SPA_JS2 = """async function handler(event) {
    const request = event.request;
    if (request.uri.endsWith('/')) {
        request.uri += 'index.html';
    } else if (!request.uri.includes('.')) {
        request.uri += '/index.html';
    }
    return request;
}
"""
REDIRECTS = """import cloudfront from 'cloudfront';

const kvs = cloudfront.kvs();
// Names the maintenance code uses too: they must not meet.
const CONFIG = { status: 301 };
function allowed() { return true; }
var state = 'app';

async function handler(event) {
    const request = event.request;
    try {
        const target = await kvs.get(request.uri);
        return { statusCode: CONFIG.status, statusDescription: 'Moved Permanently',
            headers: { location: { value: target } } };
    } catch (error) {
        return request;
    }
}
"""
"""A redirect function that reads its targets from the app's own KeyValueStore."""
OUTSIDE, OFFICE = "198.51.100.7", "203.0.113.9"


def _maintenance(enabled: bool) -> str:
    return function_code(
        function_config(
            enabled=enabled,
            cidrs=[ipaddress.ip_network("203.0.113.0/24")],
            bypass_paths=["/health"],
            token=None,
            link_prefix="/__maintenance/",
            response=MaintenanceResponse.json(),
            browser_response=None,
            windows=[],
            store="store-id",
        )
    )


def _outcome(answer: dict[str, Any]) -> Any:
    if "statusCode" in answer:
        location = (answer.get("headers") or {}).get("location", {}).get("value")
        return (answer["statusCode"], location) if location else answer["statusCode"]
    return answer["uri"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("app", [SPA_JS1, SPA_JS2], ids=["cloudfront-js-1.0", "cloudfront-js-2.0"])
def test_the_spa_rewrite_runs_for_every_request_maintenance_passes(engine: str, app: str) -> None:
    code = compose_code(_maintenance(False), "Site/Rewrite", app)
    cases = [
        viewer_request(ip=OUTSIDE, uri="/docs/"),  # off: the app's rewrite
        viewer_request(ip=OUTSIDE, uri="/docs"),
        viewer_request(ip=OUTSIDE, uri="/app.js"),
        viewer_request(ip=OUTSIDE, uri="/docs/", stored="on"),  # on: the maintenance answer
        viewer_request(ip=OFFICE, uri="/docs/", stored="on"),  # allow-listed: rewritten
        viewer_request(ip=OUTSIDE, uri="/health/", stored="on"),  # bypass path: rewritten
    ]
    got = [_outcome(a) for a in run_function(code, cases, engine=engine)]
    assert got == [
        "/docs/index.html",
        "/docs/index.html",
        "/app.js",
        503,
        "/docs/index.html",
        "/health/index.html",
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_redirects_from_the_apps_store_run_beside_the_maintenance_key(engine: str) -> None:
    code = compose_code(_maintenance(False), "Site/Redirects", REDIRECTS)
    keys = {"/old": "/new"}
    cases = [
        viewer_request(ip=OUTSIDE, uri="/old", keys=keys),
        viewer_request(ip=OUTSIDE, uri="/page", keys=keys),
        viewer_request(ip=OUTSIDE, uri="/old", keys=keys, stored="on"),
        viewer_request(ip=OFFICE, uri="/old", keys=keys, stored="on"),
    ]
    got = [_outcome(a) for a in run_function(code, cases, engine=engine)]
    assert got == [(301, "/new"), "/page", 503, (301, "/new")]


def test_the_combined_code_has_one_import_of_each_module_and_one_handler() -> None:
    code = compose_code(_maintenance(True), "Site/Redirects", REDIRECTS)
    assert re.findall(r"^import .*$", code, flags=re.M) == [
        "import cf from 'cloudfront';",
        "import crypto from 'crypto';",
    ]
    scope_start = code.index("const appHandler=(function(cloudfront){")
    scope_end = code.index("return typeof handler==='function'?handler:null;\n})(cf);")
    handlers = [m.start() for m in re.finditer(r"async function handler\(", code)]
    inside = [at for at in handlers if scope_start < at < scope_end]
    assert len(handlers) == 2 and len(inside) == 1, "one top-level handler, the app's inside"
    assert code.index("async function handler(event){\nvar passed=") > scope_end
    assert "(function(cloudfront){" in code and "})(cf);" in code


@pytest.mark.parametrize(
    ("app", "fragment"),
    [
        (
            "import qs from 'querystring';\nfunction handler(e) { return e.request; }",
            "'querystring'",
        ),
        ("function main(event) { return event.request; }", "no top-level `function handler`"),
        ("export default function handler(e) { return e.request; }", "no top-level"),
    ],
)
def test_code_that_cannot_be_combined_is_refused(app: str, fragment: str) -> None:
    with pytest.raises(MaintenanceConfigError, match=re.escape(fragment)):
        compose_code(_maintenance(True), "Site/Other", app)


def _site(
    state: str, *, app_code: str | None = None, from_file: Path | None = None, share: bool = False
) -> dict[str, Any]:
    app = cdk.App(context={"maintenance": state})
    stack = cdk.Stack(app, "Site", env=cdk.Environment(region="us-east-1"))
    store = cloudfront.KeyValueStore(stack, "Redirects") if share else None
    code = (
        cloudfront.FunctionCode.from_file(file_path=str(from_file))
        if from_file
        else cloudfront.FunctionCode.from_inline(app_code or SPA_JS1)
    )
    rewrite = cloudfront.Function(
        stack,
        "Rewrite",
        code=code,
        runtime=cloudfront.FunctionRuntime.JS_2_0 if share else cloudfront.FunctionRuntime.JS_1_0,
        key_value_store=store,
    )
    associations = [
        cloudfront.FunctionAssociation(
            function=rewrite, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
        )
    ]
    for name in ("Cdn", "Brand") if share else ("Cdn",):
        cdn = cloudfront.Distribution(
            stack,
            name,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.HttpOrigin("origin.example.com"),
                function_associations=associations,
            ),
        )
        cdn.add_behavior("/api/*", origins.HttpOrigin("api.example.com"))
        CloudFrontFunctionMaintenance(
            stack, f"{name}Maintenance", distribution=cdn, allowed_cidrs=[OFFICE], store=store
        )
    return Template.from_stack(stack).to_json()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict[str, Any]]:
    folder = tmp_path_factory.mktemp("spa")
    (folder / "rewrite.js").write_text(SPA_JS1)
    return {
        (kind, state): build(state)
        for kind, build in {
            "inline": lambda s: _site(s),
            "file": lambda s: _site(s, from_file=folder / "rewrite.js"),
            "shared": lambda s: _site(s, app_code=REDIRECTS, share=True),
        }.items()
        for state in ("false", "true")
    }


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::CloudFront::Function"
    }


@pytest.mark.parametrize("kind", ["inline", "file", "shared"])
def test_the_toggle_changes_only_the_maintenance_code(
    sites: dict[tuple[str, str], dict[str, Any]], kind: str
) -> None:
    off, on = sites[(kind, "false")], sites[(kind, "true")]
    changed = sorted(k for k in on["Resources"] if on["Resources"][k] != off["Resources"].get(k))
    assert changed and all(re.match(r"(Cdn|Brand)Maintenance(Function|With)", k) for k in changed)
    assert set(on["Resources"]) == set(off["Resources"])
    rewrite = next(k for k in _functions(on) if k.startswith("Rewrite"))
    assert on["Resources"][rewrite] == off["Resources"][rewrite], "the app's function stays"


@pytest.mark.parametrize("kind", ["inline", "file"])
def test_the_behavior_gets_the_combined_function_and_others_the_plain_one(
    sites: dict[tuple[str, str], dict[str, Any]], kind: str
) -> None:
    template = Template.from_string(json.dumps(sites[(kind, "true")]))
    combined = next(k for k in _functions(sites[(kind, "true")]) if "MaintenanceWith" in k)
    plain = next(k for k in _functions(sites[(kind, "true")]) if "MaintenanceFunction" in k)
    template.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {
                    "DefaultCacheBehavior": Match.object_like(
                        {
                            "FunctionAssociations": [
                                {
                                    "EventType": "viewer-request",
                                    "FunctionARN": {"Fn::GetAtt": [combined, "FunctionARN"]},
                                }
                            ]
                        }
                    ),
                    "CacheBehaviors": [
                        Match.object_like(
                            {
                                "FunctionAssociations": [
                                    {
                                        "EventType": "viewer-request",
                                        "FunctionARN": {"Fn::GetAtt": [plain, "FunctionARN"]},
                                    }
                                ]
                            }
                        )
                    ],
                }
            )
        },
    )
    template.has_resource_properties(
        "AWS::CloudFront::Function",
        {"FunctionConfig": Match.object_like({"Runtime": "cloudfront-js-2.0"})},
    )


def test_two_distributions_share_one_store(sites: dict[tuple[str, str], dict[str, Any]]) -> None:
    template = sites[("shared", "true")]
    stores = [k for k, v in template["Resources"].items() if v["Type"].endswith("KeyValueStore")]
    assert len(stores) == 1, "the app's store, shared by both constructs and the app function"
    for name, function in _functions(template).items():
        associations = function["Properties"]["FunctionConfig"]["KeyValueStoreAssociations"]
        assert associations == [{"KeyValueStoreARN": {"Fn::GetAtt": [stores[0], "Arn"]}}], name
    outputs = [o["Value"] for o in template["Outputs"].values() if "Arn" in json.dumps(o)]
    assert all(o == {"Fn::GetAtt": [stores[0], "Arn"]} for o in outputs)


def _distribution_running(
    stack: cdk.Stack, function: cloudfront.IFunction
) -> cloudfront.Distribution:
    """A distribution whose default behavior runs ``function`` on viewer request."""
    return cloudfront.Distribution(
        stack,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(
            origin=origins.HttpOrigin("origin.example.com"),
            function_associations=[
                cloudfront.FunctionAssociation(
                    function=function, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                )
            ],
        ),
    )


def test_an_app_function_with_its_own_store_needs_store() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Site", env=cdk.Environment(region="us-east-1"))
    own = cloudfront.KeyValueStore(stack, "Redirects")
    rewrite = cloudfront.Function(
        stack,
        "Redirect",
        code=cloudfront.FunctionCode.from_inline(REDIRECTS),
        runtime=cloudfront.FunctionRuntime.JS_2_0,
        key_value_store=own,
    )
    cdn = _distribution_running(stack, rewrite)
    CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=cdn)
    with pytest.raises(Exception, match=r"Site/Redirect reads its own KeyValueStore.*store="):
        app.synth()


def _code(function: dict[str, Any]) -> str:
    code = function["Properties"]["FunctionCode"]
    if isinstance(code, str):
        return code
    separator, parts = code["Fn::Join"]
    return str(separator).join(p if isinstance(p, str) else "store-id" for p in parts)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("state", ["false", "true"])
def test_the_synthesized_combined_functions_answer_as_both_parts(
    sites: dict[tuple[str, str], dict[str, Any]], engine: str, state: str
) -> None:
    """Both distributions' combined functions, as synthesized off and on, with the app's
    redirects in the shared store: the app answers every request maintenance passes."""
    combined = [
        f for k, f in _functions(sites[("shared", state)]).items() if "MaintenanceWith" in k
    ]
    assert len(combined) == 2
    keys = {"/old": "/new"}
    cases = [
        viewer_request(ip=OUTSIDE, uri="/old", keys=keys),
        viewer_request(ip=OFFICE, uri="/old", keys=keys),
        viewer_request(ip=OUTSIDE, uri="/page", keys=keys),
    ]
    on = state == "true"
    for function in combined:
        got = [_outcome(a) for a in run_function(_code(function), cases, engine=engine)]
        assert got == [503 if on else (301, "/new"), (301, "/new"), 503 if on else "/page"]


def test_imports_with_comments_and_windows_line_ends_are_read() -> None:
    app = "import cf from 'cloudfront'; // the app's store\r\n" + SPA_JS1.replace("\n", "\r\n")
    code = compose_code(_maintenance(False), "Site/Rewrite", app)
    [answer] = run_function(code, [viewer_request(ip=OUTSIDE, uri="/docs/")])
    assert answer["uri"] == "/docs/index.html"


@pytest.mark.parametrize(
    ("app", "fragment"),
    [
        (
            "// CloudFront calls function handler(event)\nfunction main(e) { return e.request; }",
            "no top-level `function handler`",
        ),
        (
            "function handler(e) { var b = e.request.uri.toUTF8(); return e.request; }",
            ".toUTF8(), a string method of cloudfront-js-1.0",
        ),
    ],
)
def test_a_handler_only_in_a_comment_and_1_0_only_methods_are_refused(
    app: str, fragment: str
) -> None:
    with pytest.raises(MaintenanceConfigError, match=re.escape(fragment)):
        compose_code(_maintenance(True), "Site/Other", app)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_app_that_logs_still_runs_here(engine: str) -> None:
    """console.log goes to the function's logs at the edge; here it must not mix with the
    answers the preview reads."""
    app = "function handler(event) {\n    console.log('seen ' + event.request.uri);\n" + (
        "    return event.request;\n}\n"
    )
    code = compose_code(_maintenance(False), "Site/Logger", app)
    [answer] = run_function(code, [viewer_request(ip=OUTSIDE, uri="/x")], engine=engine)
    assert answer["uri"] == "/x"


def test_a_function_referenced_by_ref_is_found() -> None:
    from maintenance_constructs.edge_function.combined import app_function

    stack = cdk.Stack(cdk.App(), "Site", env=cdk.Environment(region="us-east-1"))
    rewrite = cloudfront.Function(
        stack, "Rewrite", code=cloudfront.FunctionCode.from_inline(SPA_JS1)
    )
    resource = rewrite.node.default_child
    assert isinstance(resource, cloudfront.CfnFunction)
    found = app_function(stack, {"Ref": stack.resolve(resource.logical_id)})
    assert found is not None and found.node.path == resource.node.path


def test_when_every_behavior_runs_a_combined_function_the_plain_one_reads_no_store() -> None:
    """A store serves a limited number of functions: the unused plain function does not take
    one of them."""
    app = cdk.App(context={"maintenance": "false"})
    stack = cdk.Stack(app, "Site", env=cdk.Environment(region="us-east-1"))
    rewrite = cloudfront.Function(
        stack, "Rewrite", code=cloudfront.FunctionCode.from_inline(SPA_JS1)
    )
    cdn = _distribution_running(stack, rewrite)
    CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=cdn)
    functions = _functions(Template.from_stack(stack).to_json())
    plain = next(f for k, f in functions.items() if k.startswith("MaintenanceFunction"))
    combined = next(f for k, f in functions.items() if k.startswith("MaintenanceWith"))
    assert "KeyValueStoreAssociations" not in plain["Properties"]["FunctionConfig"]
    assert combined["Properties"]["FunctionConfig"]["KeyValueStoreAssociations"]


@pytest.mark.parametrize(
    ("app_bytes", "maintenance", "ways"),
    [
        (7000, {}, "To fit, shorten the app's code by 3993 bytes or more; or leave the behavior"),
        (
            2000,
            {"paths": [f"/shop/item-{i}" for i in range(100)]},
            "To fit, shorten the app's code by 1304 bytes or more; or shrink paths (2178 bytes), "
            "the largest part of the maintenance code: list the common prefixes of the 100 "
            "scope paths instead (e.g. '/checkout/*' for every path under it); or leave the "
            "behavior out (behaviors=[...]).",
        ),
    ],
)
def test_a_combined_function_over_10_kb_names_each_shrink_that_fits(
    app_bytes: int, maintenance: dict[str, Any], ways: str
) -> None:
    """Only shrinks that could make it fit are offered: the maintenance code's largest part
    when it is larger than the overshoot, the app's code when it is."""
    stack = cdk.Stack(cdk.App(), "Site", env=cdk.Environment(region="us-east-1"))
    big = cloudfront.Function(
        stack,
        "Big",
        code=cloudfront.FunctionCode.from_inline(
            "var TABLE = '" + "x" * app_bytes + "';\nfunction handler(e) { return e.request; }"
        ),
    )
    cdn = _distribution_running(stack, big)
    CloudFrontFunctionMaintenance(stack, "Maintenance", distribution=cdn, **maintenance)
    with pytest.raises(RuntimeError) as error:
        Template.from_stack(stack)
    message = str(error.value)
    assert f"behaviors: the function Site/Big ({app_bytes + 57} bytes) combined with" in message
    assert ways in message, message
    assert ("shrink" in message) is bool(maintenance)


THROWS = """import cf from 'cloudfront';
import crypto from 'crypto';
const CONFIG = { store: null, key: 'maintenance' };
async function handler(event) {
    if (event.request.uri === '/error') throw new RangeError('boom\\n  at line 2');
    if (event.request.uri === '/null') throw null;
    return event.request;
}
"""


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("uri", "said"), [("/error", "RangeError: boom at line 2"), ("/null", "the handler threw null")]
)
def test_code_that_throws_is_one_line_naming_what_it_threw(
    engine: str, uri: str, said: str
) -> None:
    """An app's code that throws (an Error, or a bare value) stops the preview with what it
    threw, in one line, on either engine."""
    with pytest.raises(MaintenanceConfigError) as error:
        run_function(THROWS, [viewer_request(ip="192.0.2.1", uri=uri)], engine=engine)
    assert str(error.value) == f"preview: the CloudFront Function failed on {engine}: {said}"
