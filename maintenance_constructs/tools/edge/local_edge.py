"""One front door of a synthesized app, answering requests as AWS would: the listener rules,
web ACL or CloudFront Function of the chosen state, decided by the offline evaluators (the
function by running it on Node). Used by ``serve`` (over HTTP) and ``check`` (what to expect).

The app is synthesized with maintenance off and with every construct on; which of the two the
committed context means for the door is for the constructs behind it to say
(:attr:`LocalEdge.constructs`)."""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ...errors import MaintenanceConfigError
from ...toggle_value import MAINTENANCE_CONTEXT_KEY
from ..app.assembly import ConstructState, StackTemplate, qualified, read_states, read_templates
from ..app.resource_types import LISTENER_RULE, WEB_ACL, construct_path, readable_names
from ..app.secrets import literal_tokens
from ..app.states import synthesize_states
from ..doors.front_doors import front_doors
from ..model import ANY_HOST, Answer, DoorKind, FrontDoor, Request, Row

__all__ = ["LocalEdge", "constructs_behind", "load_edge", "load_edges", "with_token"]

_REMEMBERED = 1000
"""Answers a door keeps (each distinct request's; a URI may be kilobytes long)."""


@dataclass(frozen=True)
class LocalEdge:
    """The templates of both states and the door chosen by name."""

    off: tuple[StackTemplate, ...]
    on: tuple[StackTemplate, ...]
    states: tuple[ConstructState, ...]
    door: FrontDoor
    """The door with its sample rows (the requests ``check`` sends, and their answers)."""
    secrets: tuple[str, ...]
    """Literal tokens of the templates: never printed."""
    constructs: tuple[ConstructState, ...] = ()
    """The maintenance constructs whose rules make up the door (their state says which of
    off and on the committed context means for it)."""
    _answers: dict[str, tuple[Answer, Answer]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Answers already worked out (a function door runs Node for each), by request."""

    @property
    def host(self) -> str:
        """The host the door's sample requests use (``(any host)`` for doors without hosts)."""
        return self.door.rows[0].request.host if self.door.rows else ANY_HOST

    def rows(self, requests: Sequence[Request]) -> tuple[Row, ...]:
        """The door's answers to ``requests``, off and on: this door's alone, worked out in one
        batch (one run of a function door's code per state), and remembered."""
        doors = front_doors(
            self.off,
            self.on,
            self.states,
            list(requests),
            kinds=(self.door.kind,),
            only=self.door.name,
        )
        for door in doors:
            if (door.kind, door.name) == (self.door.kind, self.door.name):
                for row in door.rows:  # a batch answered once serves each request after
                    self._answers.setdefault(repr(row.request), (row.off, row.on))
                while len(self._answers) > _REMEMBERED:  # a long-running serve: oldest first
                    del self._answers[next(iter(self._answers))]
                return door.rows
        raise AssertionError("the door disappeared")  # pragma: no cover

    def answer(self, request: Request, *, state: str) -> Answer:
        """What the door answers to ``request`` with maintenance ``state`` ("on" or "off")."""
        remembered = self._answers.get(repr(request))
        if remembered is None:
            [row] = self.rows([request])
            remembered = (row.off, row.on)
        off, on = remembered
        return on if state == "on" else off


def _choose(doors: Sequence[FrontDoor], name: str | None) -> FrontDoor:
    names = [door.name for door in doors]
    if name is None and len(doors) == 1:
        return doors[0]
    for door in doors:
        if name is not None and (door.name == name or door.name.startswith(name + "/")):
            return door
    given = (
        f"{name!r} is not"
        if name
        else "no --door given, and there is more than one, or none that is"
    )
    raise MaintenanceConfigError(
        f"--door: {given} a front door whose answers the toggle changes (found: "
        f"{', '.join(names) or 'none'}); pass --door with one of them."
    )


def _owned_paths(door: FrontDoor, on: Sequence[StackTemplate]) -> tuple[set[str], set[str]]:
    """The construct paths of the resources that make up ``door`` while on, and the names of
    the web ACL rules it carries."""
    if door.kind == DoorKind.FUNCTION:
        return {door.name}, set()
    resources = qualified(on)
    names = readable_names(resources)
    paths: set[str] = set()
    rules: set[str] = set()
    for key, resource in resources.items():
        if door.kind == DoorKind.WEB_ACL and resource.get("Type") == WEB_ACL:
            if key.startswith(door.stack + "/") and names[key] == door.name:
                paths.add(door.name)
                rules |= {str(r.get("Name")) for r in resource["Properties"].get("Rules") or []}
        elif door.kind == DoorKind.LISTENER and resource.get("Type") == LISTENER_RULE:
            reference = resource["Properties"].get("ListenerArn")
            listener = reference.get("Ref") if isinstance(reference, Mapping) else None
            if names.get(str(listener), str(reference)) == door.name:
                paths.add(construct_path(resource).lstrip("/"))
    return paths, rules


def constructs_behind(
    door: FrontDoor, on: Sequence[StackTemplate], states: Sequence[ConstructState]
) -> tuple[ConstructState, ...]:
    """The maintenance constructs whose rules (or function) make up ``door``: found by the
    construct paths of its resources and the web ACL rules each construct owns, not by the
    door's own path (a listener or web ACL of the app). Rule names repeat across stacks
    (every construct's main rule is ``Maintenance``): a web ACL's are its own stack's."""
    paths, rules = _owned_paths(door, on)
    return tuple(
        state
        for state in states
        if any(path.startswith(state.path + "/") for path in paths)
        or (state.path.startswith(door.stack + "/") and rules & set(state.waf_rules))
    )


def _put(node: Any, parameters: set[str], token: str) -> Any:
    """``node`` with every ``Ref`` of ``parameters`` replaced by ``token``, and joins of
    literals joined."""
    if isinstance(node, list):
        return [_put(item, parameters, token) for item in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1 and node.get("Ref") in parameters:
        return token
    done = {key: _put(value, parameters, token) for key, value in node.items()}
    if len(done) == 1 and isinstance(done.get("Fn::Base64"), str):
        return base64.b64encode(done["Fn::Base64"].encode()).decode()
    join = done.get("Fn::Join") if len(done) == 1 else None
    separator, parts = join if isinstance(join, list) and len(join) == 2 else (None, None)
    if isinstance(separator, str) and isinstance(parts, list):
        return separator.join(parts) if all(isinstance(p, str) for p in parts) else done
    return done


def _read(stacks: Sequence[StackTemplate], names: set[str], token: str) -> tuple[Any, ...]:
    found = []
    for stack in stacks:
        here = names & set(stack.template.get("Parameters") or {})
        found.append(replace(stack, template=_put(stack.template, here, token)) if here else stack)
    return tuple(found)


def with_token(edge: LocalEdge, token: str) -> LocalEdge:
    """The edge with the bypass token's SSM parameter (a deploy-time value) read as ``token``,
    as CloudFormation would read it: the door then knows the token as a literal."""
    names = {name for state in edge.states for name in state.parameters}
    off, on = _read(edge.off, names, token), _read(edge.on, names, token)
    if all(a is b for a, b in zip((*off, *on), (*edge.off, *edge.on), strict=True)):
        return edge  # no token parameter: the templates say what the door takes
    [door] = [
        d
        for d in front_doors(off, on, edge.states, None, kinds=(edge.door.kind,))
        if d.name == edge.door.name
    ]
    return LocalEdge(off, on, edge.states, door, literal_tokens(on), edge.constructs)


def load_edges(
    app: str, *, cwd: Path, context: Mapping[str, Any], doors: Sequence[str | None]
) -> tuple[LocalEdge, ...]:
    """Synthesize ``app`` off and with every construct on (the rest of ``context`` kept), once,
    and take each door named in ``doors`` (by path or prefix; None: the only one)."""
    every = {**context, MAINTENANCE_CONTEXT_KEY: True}
    with tempfile.TemporaryDirectory(prefix="maintenance-edge-") as folder:
        off_dir, on_dir, _ = synthesize_states(app, cwd=cwd, context=every, folder=Path(folder))
        off, on = read_templates(off_dir), read_templates(on_dir)
        states = read_states(on_dir)
    found = front_doors(off, on, states, None)
    chosen = [_choose(found, door) for door in doors]
    return tuple(
        LocalEdge(
            tuple(off),
            tuple(on),
            tuple(states),
            door,
            literal_tokens(on),
            constructs_behind(door, on, states),
        )
        for door in chosen
    )


def load_edge(app: str, *, cwd: Path, context: Mapping[str, Any], door: str | None) -> LocalEdge:
    """The door named ``door`` of ``app`` (see :func:`load_edges`)."""
    [edge] = load_edges(app, cwd=cwd, context=context, doors=[door])
    return edge
