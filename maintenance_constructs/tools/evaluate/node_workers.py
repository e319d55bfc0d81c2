"""Node processes kept running, one per function code, each answering batch after batch of
viewer requests: the local edge asks the same code once per request it serves, and starting
Node costs about 0.1 s. A few are kept (the most recently used); each ends when this process
does, or when its standard input closes."""

from __future__ import annotations

import atexit
import os
import select
import subprocess
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

__all__ = ["ANSWER_LOOP", "WORKERS", "NodeWorkers"]

ANSWER_LOOP = """
const answersFd = Number(process.argv[2]);
let pending = '', busy = false;
function put(text) {
    const bytes = Buffer.from(text + '\\n', 'utf8');
    for (let at = 0; at < bytes.length;) at += require('fs').writeSync(answersFd, bytes, at);
}
function next() {
    const end = pending.indexOf('\\n');
    if (busy || end < 0) return;
    const line = pending.slice(0, end);
    pending = pending.slice(end + 1);
    busy = true;
    run(JSON.parse(line).cases, function (text, error) {
        put(error ? 'FAILED ' + String(error).replace(/\\s+/g, ' ') : text);
        busy = false;
        next();
    });
}
process.stdin.setEncoding('utf8');
process.stdin.on('data', function (chunk) { pending += chunk; next(); });
"""
"""The driver's loop: a batch (``{"cases": [...]}``) a line on standard input, its answers a
line on the file descriptor given as the first argument (standard output is the code's own:
an app's code may log there)."""


class _Worker:
    """One Node process running one script."""

    def __init__(self, program: str, script: str) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="maintenance-function-")
        path = Path(self._folder.name) / "function.cjs"
        path.write_text(script, encoding="utf-8")
        self._stderr = (Path(self._folder.name) / "stderr.txt").open("w+b")
        read, write = os.pipe()
        try:
            self._process = subprocess.Popen(
                [program, str(path), str(write)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                pass_fds=(write,),
            )
        finally:
            os.close(write)
        self._answers = read
        self._buffer = b""
        self.lock = threading.Lock()
        """Held while a batch is asked, and to close."""
        self.closed = False
        self.timed_out = False

    def ask(self, batch: str, *, timeout: float) -> str | None:
        """The answer line to ``batch``, or None when the process has ended or did not
        answer within ``timeout`` seconds."""
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(batch.encode("utf-8") + b"\n")
            stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._answers], [], [], left)[0]:
                self.timed_out = True
                return None
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8")

    def errors(self) -> str:
        """What the process wrote to standard error (why it ended, when it did)."""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if self._process.stdin is not None:
            self._process.stdin.close()
        os.close(self._answers)
        self._stderr.close()
        self._folder.cleanup()


class NodeWorkers:
    """The running workers, by script; at most ``keep`` at a time."""

    def __init__(self, *, keep: int = 4) -> None:
        self._keep = keep
        self._workers: OrderedDict[tuple[str, str], _Worker] = OrderedDict()
        self._lock = threading.Lock()

    def ask(self, program: str, script: str, batch: str, *, timeout: float) -> tuple[str, str]:
        """The answer line to ``batch`` from the worker running ``script`` (started if
        needed), and why there is none: an empty answer when the worker ended without one or
        took over ``timeout`` seconds (it is then stopped, and the next batch starts a new
        one)."""
        key = (program, script)
        while True:
            worker = self._take(key)
            with worker.lock:
                if worker.closed:  # let go for a newer one meanwhile: start another
                    continue
                answer = worker.ask(batch, timeout=timeout)
                if answer is not None:
                    return answer, ""
                errors = worker.errors().strip()
                if worker.timed_out:
                    errors = f"no answer within {timeout:g} s"
                worker.close()
            with self._lock:
                if self._workers.get(key) is worker:
                    del self._workers[key]
            return "", errors or "the process ended without an answer"

    def _take(self, key: tuple[str, str]) -> _Worker:
        with self._lock:
            worker = self._workers.pop(key, None) or _Worker(*key)
            self._workers[key] = worker
            evicted = []
            while len(self._workers) > self._keep:
                evicted.append(self._workers.popitem(last=False)[1])
        for oldest in evicted:
            with oldest.lock:
                oldest.close()
        return worker

    def close(self) -> None:
        """Stops every worker."""
        with self._lock:
            workers = list(self._workers.values())
            self._workers.clear()
        for worker in workers:
            with worker.lock:
                worker.close()


WORKERS = NodeWorkers()
"""This process's workers, stopped when it exits."""
atexit.register(WORKERS.close)
