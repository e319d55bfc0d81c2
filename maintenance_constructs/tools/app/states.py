"""The app synthesized in both states: maintenance off, and the value that means on, side by
side, as the preview and the local edge compare them."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ...toggle_value import MAINTENANCE_CONTEXT_KEY, parse_toggle_value
from .assembly import synthesize

__all__ = ["on_value", "synthesize_states"]


def on_value(context: Mapping[str, Any]) -> Any:
    """The value that means "on" for this preview: the given one if it switches anything on
    (e.g. a selector), else ``True``."""
    value = context.get(MAINTENANCE_CONTEXT_KEY)
    return value if parse_toggle_value(value).on_anywhere else True


def synthesize_states(
    app: str, *, cwd: Path, context: Mapping[str, Any], folder: Path
) -> tuple[Path, Path, Any]:
    """Synthesize ``app`` off and on (the other context kept) into ``folder``/off and /on, side
    by side (two app processes on 2 cores: about one synth of wall time); returns both folders
    and the value that means on."""
    value = on_value(context)
    off_dir, on_dir = folder / "off", folder / "on"
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [
            pool.submit(
                synthesize,
                app,
                cwd=cwd,
                context={**context, MAINTENANCE_CONTEXT_KEY: state},
                outdir=state_dir,
            )
            for state, state_dir in ((False, off_dir), (value, on_dir))
        ]
        for run in runs:
            run.result()
    return off_dir, on_dir, value
