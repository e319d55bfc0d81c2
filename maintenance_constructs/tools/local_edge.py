"""One front door of a synthesized app, answering requests as AWS would: the listener rules,
web ACL or CloudFront Function of the chosen state, decided by the offline evaluators (the
function by running it on Node). Used by ``serve`` (over HTTP) and ``check`` (what to expect)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MaintenanceConfigError
from .assembly import ConstructState, StackTemplate, read_states, read_templates
from .front_doors import ANY_HOST, FrontDoor, Row
from .listener_evaluator import Answer, Request
from .preview import front_doors, synthesize_states
from .secrets import literal_tokens

__all__ = ["LocalEdge", "load_edge"]


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
    _answers: dict[str, tuple[Answer, Answer]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Answers already worked out (a function door runs Node for each), by request."""

    @property
    def host(self) -> str:
        """The host the door's sample requests use (``(any host)`` for doors without hosts)."""
        return self.door.rows[0].request.host if self.door.rows else ANY_HOST

    def rows(self, requests: Sequence[Request]) -> tuple[Row, ...]:
        """The door's answers to ``requests``, off and on."""
        doors = front_doors(self.off, self.on, self.states, list(requests), kinds=(self.door.kind,))
        for door in doors:
            if (door.kind, door.name) == (self.door.kind, self.door.name):
                return door.rows
        raise AssertionError("the door disappeared")  # pragma: no cover

    def answer(self, request: Request, *, state: str) -> Answer:
        """What the door answers to ``request`` with maintenance ``state`` ("on" or "off")."""
        key = repr(request)
        if key not in self._answers:
            [row] = self.rows([request])
            self._answers[key] = (row.off, row.on)
        off, on = self._answers[key]
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


def load_edge(app: str, *, cwd: Path, context: Mapping[str, Any], door: str | None) -> LocalEdge:
    """Synthesize ``app`` off and on and take the door named ``door`` (by path or prefix)."""
    with tempfile.TemporaryDirectory(prefix="maintenance-edge-") as folder:
        off_dir, on_dir, _ = synthesize_states(app, cwd=cwd, context=context, folder=Path(folder))
        off, on = read_templates(off_dir), read_templates(on_dir)
        states = read_states(on_dir)
    doors = front_doors(off, on, states, None)
    return LocalEdge(tuple(off), tuple(on), tuple(states), _choose(doors, door), literal_tokens(on))
