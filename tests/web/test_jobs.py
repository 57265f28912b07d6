"""The lab's job queue: one job at a time, a bounded line, the same settings answered by the same job,
steps reported, cancelled jobs stopping at their next step."""

import threading
import time

import pytest

from neuronscope.errors import ConfigError
from neuronscope.web.jobs import JobQueue, QueueFull


def _wait(job, states=("done", "failed", "cancelled"), seconds=10):
    deadline = time.monotonic() + seconds
    while job.state not in states:
        assert time.monotonic() < deadline, f"job still {job.state}"
        time.sleep(0.01)


def test_jobs_run_one_at_a_time_and_report_their_steps():
    queue, order = JobQueue(), []

    def work(name):
        def run(step):
            order.append(f"{name} starts")
            for k in range(1, 4):
                step(k, 3)
            order.append(f"{name} ends")
            return {"name": name}
        return run

    first, second = queue.submit("a", ("a",), work("a")), queue.submit("b", ("b",), work("b"))
    _wait(second)
    assert order == ["a starts", "a ends", "b starts", "b ends"]
    assert first.result == {"name": "a"} and (second.done, second.total) == (3, 3) and second.seconds >= 0
    assert queue.submit("a", ("a",), work("again")) is first  # the same settings: the job already done


def test_a_full_line_is_refused_and_a_cancelled_job_stops():
    queue, release, steps = JobQueue(max_waiting=2), threading.Event(), []

    def blocking(step):
        while not release.is_set():
            steps.append(1)
            step(len(steps), 0)
            time.sleep(0.01)
        return {}

    running = queue.submit("block", ("block",), blocking)
    _wait(running, ("running",))
    waiting = [queue.submit("w", (k,), lambda step: {}) for k in range(2)]
    assert queue.position(waiting[1]) == 1
    with pytest.raises(QueueFull, match="2 jobs are already waiting"):
        queue.submit("w", ("third",), lambda step: {})
    queue.cancel(waiting[0].id)
    assert waiting[0].state == "cancelled"
    queue.cancel(running.id)
    _wait(running)
    assert running.state == "cancelled" and not release.is_set()
    _wait(waiting[1])
    assert waiting[1].state == "done"


def test_a_failing_job_says_why_and_the_queue_goes_on():
    queue = JobQueue()

    def bad(step):
        raise ConfigError("steps must be 1..1000, got 0")

    def broken(step):
        return {}["missing"]

    failed, crashed = queue.submit("bad", ("bad",), bad), queue.submit("broken", ("broken",), broken)
    after = queue.submit("fine", ("fine",), lambda step: {"ok": True})
    _wait(after)
    assert failed.state == "failed" and failed.error == "steps must be 1..1000, got 0"
    assert crashed.state == "failed" and crashed.error.startswith("KeyError")
    assert after.result == {"ok": True}
    assert queue.submit("bad", ("bad",), lambda step: {"now": 1}) is not failed  # a failed job is tried again
