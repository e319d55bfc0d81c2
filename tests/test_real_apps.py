"""AlbMaintenance inside real app shapes (tests/apps/shapes.py), each synthesized off and on:
everything outside the construct's own listener rules is the same in both states (templates,
outputs and exports, stack dependencies, warnings), and the preview tells the truth."""

from __future__ import annotations

import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from apps.shapes import SHAPES, build
from builders import ROOT, needs_cdk_cli, run_cdk
from helpers import LISTENER_RULE, PATH_METADATA, assert_toggle_invariants

from maintenance_constructs.tools.app.assembly import read_states, read_templates
from maintenance_constructs.tools.app.resource_types import is_maintenance_rule
from maintenance_constructs.tools.model import ANY_HOST
from maintenance_constructs.tools.preview.report import Preview, preview_assemblies

ON_INFO = "Maintenance mode is ON"
BYPASS_PATHS = ("/health", "/api/health")


def _assembly(folder: Path) -> dict[str, Any]:
    """Per stack: its template, its dependencies and its messages (level, path, text)."""
    manifest = json.loads((folder / "manifest.json").read_text())
    stacks: dict[str, Any] = {}
    for name, artifact in manifest["artifacts"].items():
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        messages = []
        metadata = json.loads((folder / f"{name}.metadata.json").read_text())
        for path, entries in metadata.items():
            for entry in entries:
                level = entry["type"].removeprefix("aws:cdk:")
                if level in ("warning", "error", "info"):
                    messages.append((level, path, str(entry["data"])))
        stacks[name] = {
            "template": json.loads((folder / f"{name}.template.json").read_text()),
            "dependencies": sorted(artifact.get("dependencies", [])),
            "messages": sorted(messages),
        }
    for nested in read_templates(folder):  # nested stacks: their templates, compared too
        if nested.parent:
            stacks[nested.name] = {"template": nested.template, "dependencies": [], "messages": []}
    return stacks


def _outside(template: Mapping[str, Any], constructs: list[str]) -> dict[str, Any]:
    """The template without the maintenance constructs' own listener rules."""
    resources = {
        k: _without_template_url(r)
        for k, r in template["Resources"].items()
        if not is_maintenance_rule(r, constructs)
    }
    return {**template, "Resources": resources}


def _without_template_url(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    """A nested stack's TemplateURL names its template by hash: the nested template itself is
    compared as a stack of its own."""
    if resource["Type"] != "AWS::CloudFormation::Stack":
        return resource
    properties = {k: v for k, v in resource["Properties"].items() if k != "TemplateURL"}
    return {**resource, "Properties": properties}


class Shape:
    """Synthesized off and on, once per shape (a class each, so pytest-xdist spreads them)."""

    def __init__(self, shape: str, folder: Path) -> None:
        self.name = shape
        self.dirs = {state: folder / state for state in ("off", "on")}
        for state, outdir in self.dirs.items():
            context = {**PATH_METADATA, "maintenance": "true" if state == "on" else "false"}
            build(shape, context, outdir=str(outdir)).synth()
        self.off, self.on = (_assembly(self.dirs[s]) for s in ("off", "on"))
        self.constructs = [state.path for state in read_states(self.dirs["on"])]
        self.preview: Preview = preview_assemblies(self.dirs["off"], self.dirs["on"])

    def rules(self, state: str) -> dict[str, Any]:
        return {
            logical_id: resource
            for stack in getattr(self, state).values()
            for logical_id, resource in stack["template"]["Resources"].items()
            if is_maintenance_rule(resource, self.constructs)
        }


EXTRA_OFFICE = ["198.51.100.0/24", "192.0.2.0/25", "10.9.0.0/16", "2001:db8:aaaa::/48"]


def _held(stacks: Mapping[str, Any], constructs: list[str]) -> dict[str, tuple[str, int]]:
    """Maintenance listener rules: logical id -> (listener, priority)."""
    return {
        f"{name}/{logical_id}": (
            json.dumps(r["Properties"]["ListenerArn"]),
            int(r["Properties"]["Priority"]),
        )
        for name, stack in stacks.items()
        for logical_id, r in stack["template"]["Resources"].items()
        if is_maintenance_rule(r, constructs)
    }


@pytest.fixture(scope="class")
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Shape:
    shape: str = request.cls.shape
    return Shape(shape, tmp_path_factory.mktemp(shape))


class ShapeChecks:
    shape = ""
    follows_app_routing = False
    default_answers = False  # whether some sample request reaches the listener's default

    def test_templates_equal_outside_the_maintenance_rules(self, app: Shape) -> None:
        assert app.off.keys() == app.on.keys()
        for stack in app.off:
            off, on = app.off[stack]["template"], app.on[stack]["template"]
            assert _outside(off, app.constructs) == _outside(on, app.constructs), stack

    def test_toggle_invariants_hold(self, app: Shape) -> None:
        """The same helper as tests/test_invariants.py, both directions, every stack."""
        for stack in app.off:
            off, on = app.off[stack]["template"], app.on[stack]["template"]
            assert_toggle_invariants(off, on)
            assert_toggle_invariants(on, off)

    def test_stack_dependencies_equal(self, app: Shape) -> None:
        for stack in app.off:
            assert app.off[stack]["dependencies"] == app.on[stack]["dependencies"], stack

    def test_the_rules_exist_only_while_on_as_planned(self, app: Shape) -> None:
        assert app.rules("off") == {}
        rules = app.rules("on")
        assert rules, "maintenance on added no rule"
        for resource in rules.values():
            assert resource["DeletionPolicy"] == "Delete"
        answering = ("/GuardRule", "/BrowserRule", "/MaintenanceRule")
        fixed = [r for r in rules.values() if _rule_id(r).startswith(answering)]
        forwarding = {k for k, r in rules.items() if not _rule_id(r).startswith(answering)}
        for resource in fixed:  # 503 rules wait for the forwarding rules of their construct
            construct = _construct(resource)
            theirs = {k for k in forwarding if _construct(rules[k]) == construct}
            assert set(resource.get("DependsOn", [])) >= theirs

    def test_same_warnings_and_errors_in_both_states(self, app: Shape) -> None:
        """So `cdk synth --strict` gives the same verdict off and on."""
        for stack in app.off:
            off = [m for m in app.off[stack]["messages"] if m[0] != "info"]
            on = [m for m in app.on[stack]["messages"] if m[0] != "info"]
            assert off == on, stack
            infos = [m for m in app.on[stack]["messages"] if m[0] == "info"]
            assert all(ON_INFO in m[2] for m in infos), infos

    def test_preview_only_maintenance_rules(self, app: Shape) -> None:
        assert app.preview.only_maintenance, app.preview.changes
        # Listener rules, and a nested stack's TemplateURL when its template gains them.
        types = {LISTENER_RULE, "AWS::CloudFormation::Stack"}
        assert app.preview.changes and all(c.type in types for c in app.preview.changes)
        assert any(c.type == LISTENER_RULE for c in app.preview.changes)

    def test_allowlist_edits_while_on_never_take_a_held_priority(
        self, app: Shape, tmp_path: Path
    ) -> None:
        """On -> on with four more CIDRs and back: CloudFormation creates new rules first, so
        no rule may be created or moved onto a priority another rule holds (PriorityInUse)."""
        context = {**PATH_METADATA, "maintenance": "true", "extra_office_cidrs": EXTRA_OFFICE}
        build(app.name, context, outdir=str(tmp_path)).synth()
        edited = _held(_assembly(tmp_path), app.constructs)
        before = _held(app.on, app.constructs)
        assert edited != before  # the edit does change rules
        for old, new in ((before, edited), (edited, before)):
            holders = {place: logical_id for logical_id, place in old.items()}
            moved = [
                f"{logical_id} -> {place}"
                for logical_id, place in new.items()
                if old.get(logical_id) != place and holders.get(place, logical_id) != logical_id
            ]
            assert moved == [], moved

    def test_preview_who_gets_what(self, app: Shape) -> None:
        """Allow-listed clients, bypass paths and the bypass token get exactly the answer they
        get with maintenance off; everyone else gets the 503."""
        assert app.preview.front_doors
        for door in app.preview.front_doors:
            seen = set()
            for row in door.rows:
                through = row.client.startswith(("allow-listed", "with bypass token"))
                if through or row.request.path in BYPASS_PATHS:
                    assert row.on.describe() == row.off.describe(), (door.name, row)
                    assert row.on.rule != row.off.rule  # answered by a maintenance rule
                    seen.add("as usual")
                else:
                    assert row.on.describe().startswith("503"), (door.name, row)
                    seen.add("503")
            assert seen == {"as usual", "503"}, door.name

    def test_every_app_rule_answers_allowed_clients_as_usual(self, app: Shape) -> None:
        """For each app rule on a covered listener, the preview sends an allow-listed request
        that the rule answers with maintenance off, and it gets the same answer with it on
        (shapes whose maintenance follows the app's routing)."""
        if not self.follows_app_routing:
            return
        for door in app.preview.front_doors:
            app_rules = {row.off.rule for row in door.rows} - {"default"}
            allowed = [r for r in door.rows if r.client.startswith("allow-listed")]
            for rule in app_rules:
                rows = [r for r in allowed if r.off.rule == rule]
                assert rows, (door.name, rule)
                assert all(r.on.describe() == r.off.describe() for r in rows), rule
            assert any(r.off.rule == "default" for r in allowed) == self.default_answers


def _rule_id(resource: Mapping[str, Any]) -> str:
    """``/AllowRule2``: the rule's construct id, which names its kind."""
    return "/" + str(resource["Metadata"]["aws:cdk:path"]).rsplit("/", 2)[1]


def _construct(resource: Mapping[str, Any]) -> str:
    return str(resource["Metadata"]["aws:cdk:path"]).rsplit("/", 2)[0]


class TestEcsPatternsService(ShapeChecks):
    shape = "ecs-service"

    def test_covers_every_request_without_host_condition(self, app: Shape) -> None:
        conditions = [r["Properties"]["Conditions"] for r in app.rules("on").values()]
        assert all(c["Field"] != "host-header" for cs in conditions for c in cs)
        assert [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}] in conditions
        hosts = {row.request.host for door in app.preview.front_doors for row in door.rows}
        assert hosts == {ANY_HOST}

    def test_no_forwarding_default_warning_without_hosts(self, app: Shape) -> None:
        messages = [m[2] for m in app.on["EcsApp"]["messages"]]
        assert not any("forwards requests that match no rule" in m for m in messages)


class TestAsgBehindHttps(ShapeChecks):
    shape = "asg-https"

    def test_rules_on_the_https_listener_only(self, app: Shape) -> None:
        template = app.on["AsgApp"]["template"]["Resources"]
        https = next(
            k
            for k, r in template.items()
            if r["Type"] == "AWS::ElasticLoadBalancingV2::Listener"
            and r["Properties"]["Port"] == 443
        )
        assert {json.dumps(r["Properties"]["ListenerArn"]) for r in app.rules("on").values()} == {
            json.dumps({"Ref": https})
        }


class TestImportedListenerAndTargetGroup(ShapeChecks):
    shape = "imported"

    def test_our_rules_do_not_register_with_the_imported_target_group(self, app: Shape) -> None:
        warnings = [m for m in app.on["ImportedApp"]["messages"] if m[0] == "warning"]
        # Only the app's own rule registers (and warns), in both states alike.
        assert [m[1] for m in warnings] == ["/ImportedApp/Blue"]


class TestListenerInAnotherStack(ShapeChecks):
    shape = "cross-stack"

    def test_producer_exports_in_both_states(self, app: Shape) -> None:
        for state in (app.off, app.on):
            outputs = state["Network"]["template"].get("Outputs", {})
            assert len([o for o in outputs.values() if "Export" in o]) == 2
            assert "Network" in state["Operations"]["dependencies"]
        imports = {json.dumps(r["Properties"]["ListenerArn"]) for r in app.rules("on").values()}
        assert all("Fn::ImportValue" in i for i in imports)


class TestSharedLoadBalancer(ShapeChecks):
    shape = "shared-alb"

    def test_each_construct_in_its_own_window(self, app: Shape) -> None:
        priorities: dict[str, list[int]] = {}
        for resource in app.rules("on").values():
            construct = _construct(resource).rsplit("/", 1)[-1]
            priorities.setdefault(construct, []).append(resource["Properties"]["Priority"])
        assert {k: sorted(v) for k, v in priorities.items()} == {
            "WwwMaintenance": [25, 90],
            "ApiMaintenance": [115, 180],
            "AdminMaintenance": [25, 90],
        }


class TestPathRoutedWithCanaryAndLambda(ShapeChecks):
    shape = "path-routed"
    follows_app_routing = True
    default_answers = True

    def test_rules_copy_the_app_rules_weights_and_all(self, app: Shape) -> None:
        rules = app.rules("on")
        weighted = [
            r["Properties"]["Actions"][0]["ForwardConfig"]
            for r in rules.values()
            if "ForwardConfig" in r["Properties"]["Actions"][0]
        ]
        assert weighted and all(
            [g["Weight"] for g in w["TargetGroups"]] == [90, 10]
            and w["TargetGroupStickinessConfig"] == {"DurationSeconds": 300, "Enabled": True}
            for w in weighted
        )
        # The Lambda rule was added after the construct: it is copied too.
        lambda_copies = [
            r
            for r in rules.values()
            if {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/hello"]}}
            in r["Properties"]["Conditions"]
        ]
        assert len(lambda_copies) == 3  # allow, token header, token cookie

    def test_no_rule_over_the_alb_limits(self, app: Shape) -> None:
        for resource in app.rules("on").values():
            values = [
                v
                for c in resource["Properties"]["Conditions"]
                for v in next(x for k, x in c.items() if k.endswith("Config"))["Values"]
            ]
            assert len(values) <= 5, resource
            assert sum(str(v).count("*") + str(v).count("?") for v in values) <= 5, resource


class TestCognitoSignIn(ShapeChecks):
    shape = "sign-in"
    follows_app_routing = True

    def test_allowed_requests_still_sign_in(self, app: Shape) -> None:
        forwarding = [
            r["Properties"]["Actions"]
            for r in app.rules("on").values()
            if r["Properties"]["Actions"][0]["Type"] != "fixed-response"
        ]
        assert forwarding
        assert all(a[0]["Type"] == "authenticate-cognito" for a in forwarding)
        assert all(a[1]["Type"] == "forward" for a in forwarding)
        warnings = [m[2] for m in app.on["SignInApp"]["messages"] if m[0] == "warning"]
        assert not any("without logging in" in w for w in warnings)


class TestMultipleTargetGroupsService(ShapeChecks):
    shape = "multi-target"
    follows_app_routing = True
    default_answers = True


class TestCodeDeployBlueGreenWithTestListener(ShapeChecks):
    shape = "blue-green"
    follows_app_routing = True
    default_answers = True  # the production listener forwards to blue by default

    def test_warns_of_the_deployment_group_and_the_open_test_listener(self, app: Shape) -> None:
        warnings = [
            m[2]
            for m in app.off["BlueGreenApp"]["messages"]
            if m[0] == "warning" and m[1] == "/BlueGreenApp/Maintenance"
        ]
        assert len(warnings) == 2
        blue_green = next(w for w in warnings if "blueGreenOutsideTemplate" in w)
        assert "BlueGreenApp/Deployments" in blue_green
        assert "BlueGreenApp/Blue and BlueGreenApp/Green" in blue_green
        open_listener = next(w for w in warnings if "otherListenerOpen" in w)
        assert "BlueGreenApp/Alb/Test" in open_listener and "BlueGreenApp/Green" in open_listener


class TestMaintenanceInANestedStack(ShapeChecks):
    shape = "nested-construct"

    def test_the_parent_passes_the_same_parameters_in_both_states(self, app: Shape) -> None:
        for state in (app.off, app.on):
            (nested,) = [
                r
                for r in state["Platform"]["template"]["Resources"].values()
                if r["Type"] == "AWS::CloudFormation::Stack"
            ]
            assert len(nested["Properties"]["Parameters"]) == 2  # the listener and blue


class TestListenerInANestedStack(ShapeChecks):
    shape = "nested-listener"

    def test_the_nested_outputs_exist_in_both_states(self, app: Shape) -> None:
        for state in (app.off, app.on):
            outputs = state["Platform/Network"]["template"].get("Outputs", {})
            assert len(outputs) == 2


def test_every_shape_is_checked() -> None:
    checked = {cls.shape for cls in ShapeChecks.__subclasses__()}
    assert checked == set(SHAPES)


@needs_cdk_cli
def test_synth_strict_passes_off_and_on_through_the_cli(tmp_path: Path) -> None:
    """`cdk synth --strict` (warnings are errors) gives one verdict in both states, here for
    the cross-stack shape, where CDK's own cross-stack reference warning used to appear only
    while maintenance was on."""
    app = f"python3 {Path(__file__).parent / 'apps' / 'shapes.py'} cross-stack"

    def synth(state: str) -> Any:
        args = ["synth", "--strict", "-q", "--app", app, "-c", f"maintenance={state}"]
        return run_cdk([*args, "-o", str(tmp_path / state)], cwd=ROOT)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(synth, ["false", "true"]))
    for result in results:
        assert result.returncode == 0, result.stderr[-2000:]
