"""Long computations off the request path: a bounded queue worked by one thread, each job reporting
its steps and stoppable between them.

One job runs at a time (two would share the two cores and each take twice as long); a request only
puts a job in line and answers at once, so a dream of a minute never holds up another page. A job
asked for again with the same settings is the same job: a finished one answers from memory.
"""

from __future__ import annotations

import atexit
import itertools
import threading
import time
import traceback
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import NeuronscopeError
from ..steps import StepHook

MAX_WAITING = 4
KEPT_JOBS = 64


class QueueFull(Exception):
    """Too many jobs are waiting."""


class Cancelled(Exception):
    """Raised inside a job's step hook once the job is cancelled."""


@dataclass
class Job:
    id: str
    kind: str
    key: tuple
    work: Callable[[StepHook], dict]
    state: str = "queued"  # queued, running, done, failed, cancelled
    done: int = 0
    total: int = 0
    error: str | None = None
    result: dict | None = None
    seconds: float | None = None
    cancel_requested: threading.Event = field(default_factory=threading.Event)

    def to_json(self, position: int | None = None) -> dict:
        return {"id": self.id, "kind": self.kind, "state": self.state, "done": self.done, "total": self.total,
                "error": self.error, "result": self.result, "seconds": self.seconds, "position": position}


class JobQueue:
    def __init__(self, max_waiting: int = MAX_WAITING, kept: int = KEPT_JOBS):
        self.max_waiting, self.kept = max_waiting, kept
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._by_key: dict[tuple, str] = {}
        self._waiting: deque[Job] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._ids = itertools.count(1)
        self._worker: threading.Thread | None = None
        self._stopping = False
        # a thread still inside torch when the interpreter exits aborts the process
        atexit.register(self.shutdown)

    def submit(self, kind: str, key: tuple, work: Callable[[StepHook], dict]) -> Job:
        """The job computing ``work(step_hook)`` for ``key``: the one already queued, running or done
        with that key, or a new one at the end of the line."""
        with self._lock:
            known = self._jobs.get(self._by_key.get(key, ""))
            if known and known.state in ("queued", "running", "done"):
                return known
            if self._stopping:
                raise QueueFull("the lab is shutting down")
            if len(self._waiting) >= self.max_waiting:
                raise QueueFull(f"{len(self._waiting)} jobs are already waiting; try again when one is done")
            job = Job(f"{kind}-{next(self._ids)}", kind, key, work)
            self._jobs[job.id] = job
            self._by_key[key] = job.id
            self._waiting.append(job)
            self._forget_old()
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="neuronscope-jobs", daemon=True)
                self._worker.start()
            self._wake.notify()
            return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def position(self, job: Job) -> int | None:
        """How many jobs wait before this one (None once it runs)."""
        with self._lock:
            return next((k for k, waiting in enumerate(self._waiting) if waiting is job), None)

    def cancel(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            if job.state == "queued":
                self._waiting.remove(job)
                job.state = "cancelled"
            elif job.state == "running":
                job.cancel_requested.set()
            return job

    def shutdown(self, seconds: float = 10.0) -> None:
        """Cancel every job and wait (at most ``seconds``) for the running one to stop at its next step."""
        with self._lock:
            self._stopping = True
            for job in self._waiting:
                job.state = "cancelled"
            self._waiting.clear()
            for job in self._jobs.values():
                job.cancel_requested.set()
            self._wake.notify_all()
            worker = self._worker
        if worker is not None and worker.is_alive():
            worker.join(seconds)

    def _forget_old(self) -> None:
        finished = [job for job in self._jobs.values() if job.state in ("done", "failed", "cancelled")]
        for job in finished[:max(0, len(self._jobs) - self.kept)]:
            del self._jobs[job.id]
            if self._by_key.get(job.key) == job.id:
                del self._by_key[job.key]

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._waiting and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
                job = self._waiting.popleft()
                job.state = "running"
            started = time.perf_counter()

            def step(done: int, total: int, job=job) -> None:
                job.done, job.total = done, total
                if job.cancel_requested.is_set():
                    raise Cancelled

            try:
                result = job.work(step)
                outcome, error = "done", None
            except Cancelled:
                result, outcome, error = None, "cancelled", None
            except NeuronscopeError as e:
                result, outcome, error = None, "failed", str(e)
            except Exception as e:  # a job's bug must not end the worker; the page hears one line of it
                traceback.print_exc()
                result, outcome, error = None, "failed", f"{type(e).__name__}: {e}".splitlines()[0]
            with self._lock:
                job.result, job.error, job.state = result, error, outcome
                job.seconds = round(time.perf_counter() - started, 2)
                job.work = None  # what it closed over (photos, the network) can go
