"""Writing the maintenance toggle into cdk.json: in place, keeping every other key, the file's
indentation, line endings and byte-order mark, atomically and under a lock."""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ...errors import MaintenanceConfigError
from ...toggle_value import MAINTENANCE_CONTEXT_KEY
from .context import load_cdk_json

__all__ = ["write_toggle"]

_SCALAR = r'(?:true|false|null|-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*")'


def _indent(text: str) -> int | str:
    match = re.search(r"^([ \t]+)\S", text, flags=re.MULTILINE)
    if match is None:
        return 2
    whitespace = match.group(1)
    return "\t" if whitespace.startswith("\t") else len(whitespace)


def _edit_in_place(text: str, value: bool | str) -> str | None:
    """Change or insert only the maintenance entry, leaving every other byte as it was."""
    literal = json.dumps(value, ensure_ascii=False)
    key = re.escape(json.dumps(MAINTENANCE_CONTEXT_KEY))
    found = list(re.finditer(rf"({key}\s*:\s*){_SCALAR}", text))
    if len(found) == 1:
        match = found[0]
        return text[: match.start()] + match.group(1) + literal + text[match.end() :]
    opening = list(re.finditer(r'"context"\s*:\s*\{', text))
    if found or len(opening) != 1:
        return None
    head, rest = text[: opening[0].end()], text[opening[0].end() :]
    leading = rest[: len(rest) - len(rest.lstrip())]
    entry = f"{json.dumps(MAINTENANCE_CONTEXT_KEY)}: {literal}"
    if rest.lstrip().startswith("}"):  # empty context object
        return None if "\n" in leading else head + entry + rest
    separator = "," if "\n" in leading else ", "
    return head + leading + entry + separator + rest


def _insert_context(text: str, value: bool | str) -> str | None:
    """Add a "context" object holding only the maintenance entry before the file's last
    closing brace, indented like the rest, without touching any other line."""
    closing = text.rstrip().rfind("}")
    body = text[:closing].rstrip()
    if closing < 0 or not body.lstrip().startswith("{"):
        return None
    indent = _indent(text)
    unit = "\t" if indent == "\t" else " " * int(indent)
    newline = "\r\n" if "\r\n" in text else "\n"
    literal = json.dumps(value, ensure_ascii=False)
    key = json.dumps(MAINTENANCE_CONTEXT_KEY)
    entry = f'{unit}"context": {{{newline}{unit * 2}{key}: {literal}{newline}{unit}}}'
    separator = "" if body.endswith("{") else ","
    return f"{body}{separator}{newline}{entry}{newline}{text[closing:]}"


def _edited(text: str, data: dict[str, Any], value: bool | str) -> str:
    """The new text of cdk.json: the one entry changed or inserted in place where the layout
    allows it, else the whole object rewritten with the same indentation and line endings."""
    had_context = "context" in data
    context = data.setdefault("context", {})
    if not isinstance(context, dict):
        raise MaintenanceConfigError('--cdk-json: "context" is not an object; make it one.')
    context[MAINTENANCE_CONTEXT_KEY] = value
    edited = _edit_in_place(text, value) if had_context else _insert_context(text, value)
    if edited is not None and json.loads(edited) == data:
        return edited
    newline = "\r\n" if "\r\n" in text else "\n"
    rewritten = json.dumps(data, indent=_indent(text), ensure_ascii=False).replace("\n", newline)
    return rewritten + (newline if text.endswith(("\n", "\r\n")) else "")


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Serialize writers of the folder's cdk.json: an exclusive lock on the folder itself (no
    lock file is left behind)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


BOM = "\ufeff"


def write_toggle(cdk_json: Path, value: bool | str) -> None:
    """Set ``context.maintenance`` in cdk.json, keeping every other key and the formatting.

    The new content goes to a temporary file in the same folder, then replaces cdk.json in one
    rename, under a lock: concurrent runs never leave a truncated or mixed file."""
    target = cdk_json.resolve()  # a symlinked cdk.json stays a link: its target is edited
    folder = target.parent
    # No write bit counts as read-only even for root, who could write it anyway.
    if target.is_file() and (not os.access(target, os.W_OK) or not target.stat().st_mode & 0o222):
        raise MaintenanceConfigError(
            f"--cdk-json: {str(cdk_json)!r} is read-only; it was left as it is. Make it "
            "writable (chmod u+w) if the value should change, or pass --cdk-json to a "
            "writable copy."
        )
    try:
        with _locked(folder):
            data = load_cdk_json(cdk_json)
            with target.open(encoding="utf-8", newline="") as file:
                text = file.read()
            bom = BOM if text.startswith(BOM) else ""  # kept, as the CDK CLI reads past it
            edited = bom + _edited(text.removeprefix(BOM), data, value)
            handle, temporary = tempfile.mkstemp(prefix=".cdk.json.", dir=folder)
            try:
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
                    file.write(edited)
                os.chmod(temporary, target.stat().st_mode & 0o777)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
    except PermissionError as error:
        raise MaintenanceConfigError(
            f"--cdk-json: {str(cdk_json)!r} cannot be written ({error.strerror}: "
            f"{error.filename}); make the file and its folder writable (chmod u+w, chattr -i), "
            "or pass --cdk-json to a writable copy."
        ) from None
