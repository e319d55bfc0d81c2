"""Node processes kept running per function code: batch after batch from one process, a new
process after one ends or hangs, answers apart from what the code logs, and threads that ask
at once each get their own answer."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from maintenance_constructs.errors import MaintenanceConfigError
from maintenance_constructs.tools.evaluate.function_engines import run_function, viewer_request
from maintenance_constructs.tools.evaluate.node_workers import ANSWER_LOOP, NodeWorkers

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

COUNTER = """
let batches = 0;
function run(cases, done) {
    batches += 1;
    console.log('the code may log: answers are not read from here');
    if (cases[0] === 'exit') { console.error('TypeError: gone'); process.exit(3); }
    if (cases[0] === 'hang') return;
    setTimeout(function () { done(JSON.stringify({ batches: batches, cases: cases })); }, 1);
}
"""


@pytest.fixture
def workers() -> Iterator[NodeWorkers]:
    kept = NodeWorkers(keep=2)
    yield kept
    kept.close()


def _ask(workers: NodeWorkers, cases: list[object], script: str = COUNTER) -> Any:
    assert NODE is not None
    answer, errors = workers.ask(
        NODE, script + ANSWER_LOOP, json.dumps({"cases": cases}), timeout=10
    )
    assert answer, errors
    return json.loads(answer)


def test_one_process_answers_batch_after_batch(workers: NodeWorkers) -> None:
    assert _ask(workers, ["a"]) == {"batches": 1, "cases": ["a"]}
    assert _ask(workers, ["b", "c"]) == {"batches": 2, "cases": ["b", "c"]}


def test_a_process_that_ends_says_why_and_the_next_batch_gets_a_new_one(
    workers: NodeWorkers,
) -> None:
    assert NODE is not None
    _ask(workers, ["a"])
    answer, errors = workers.ask(NODE, COUNTER + ANSWER_LOOP, '{"cases": ["exit"]}', timeout=10)
    assert (answer, errors) == ("", "TypeError: gone")
    assert _ask(workers, ["b"]) == {"batches": 1, "cases": ["b"]}


def test_a_process_that_hangs_is_stopped_after_the_timeout(workers: NodeWorkers) -> None:
    assert NODE is not None
    answer, errors = workers.ask(NODE, COUNTER + ANSWER_LOOP, '{"cases": ["hang"]}', timeout=0.3)
    assert (answer, errors) == ("", "no answer within 0.3 s")
    assert _ask(workers, ["b"]) == {"batches": 1, "cases": ["b"]}


def test_only_the_most_recent_scripts_are_kept(workers: NodeWorkers) -> None:
    scripts = [COUNTER + f"// {n}\n" for n in range(3)]
    for script in scripts:
        _ask(workers, ["x"], script)
    # Two are kept: the first was stopped, and asking it again starts it anew.
    assert _ask(workers, ["x"], scripts[2]) == {"batches": 2, "cases": ["x"]}
    assert _ask(workers, ["x"], scripts[0]) == {"batches": 1, "cases": ["x"]}


def test_threads_asking_at_once_each_get_their_own_answer(workers: NodeWorkers) -> None:
    got: dict[int, Any] = {}

    def ask(n: int) -> None:
        got[n] = _ask(workers, [n, "x" * 70_000])  # over a pipe's buffer, both ways

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {n: answer["cases"][0] for n, answer in got.items()} == {n: n for n in range(8)}
    assert sorted(answer["batches"] for answer in got.values()) == list(range(1, 9))


THROWS_ON_ONE_PATH = """import cf from 'cloudfront';
import crypto from 'crypto';
const CONFIG = { store: null, key: 'maintenance' };
async function handler(event) {
    if (event.request.uri === '/boom') throw new RangeError('boom');
    return { statusCode: 200, statusDescription: String(Date.now()) };
}
"""


def test_a_failed_batch_says_why_and_the_next_batch_is_answered() -> None:
    with pytest.raises(MaintenanceConfigError, match=r"failed on node: RangeError: boom$"):
        run_function(THROWS_ON_ONE_PATH, [viewer_request(ip="192.0.2.1", uri="/boom", now=5)])
    [answer] = run_function(THROWS_ON_ONE_PATH, [viewer_request(ip="192.0.2.1", now=7)])
    assert answer["statusDescription"] == "7000"
