"""Running independent pieces of an experiment side by side: in this process, in worker processes
on this machine, or as tasks on a Ray cluster. Results come back as each piece finishes, so the
caller can save it at once and an interruption loses only the pieces still running."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import TypeVar

from ..errors import ConfigError

Task = TypeVar("Task")
Result = TypeVar("Result")


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def run_tasks(function: Callable[[Task], Result], tasks: Sequence[Task], *, workers: int | None = None,
              ray_address: str | None = None) -> Iterator[tuple[Task, Result]]:
    """Yield ``(task, function(task))`` for every task, in the order they finish.

    ``function`` must be a module-level function and tasks picklable. ``workers`` processes on
    this machine (default: one per core; 1 runs everything in this process), or, with
    ``ray_address`` ("local" starts a Ray instance on this machine), one Ray task per piece.
    """
    if workers is not None and workers < 1:  # checked at the call, before any work starts
        raise ConfigError(f"workers must be at least 1, got {workers}")
    if ray_address:
        return _on_ray(function, tasks, ray_address)
    workers = min(workers or default_workers(), len(tasks))
    if workers <= 1:
        return ((task, function(task)) for task in tasks)
    return _in_processes(function, tasks, workers)


def _in_processes(function, tasks, workers: int):
    from threadpoolctl import threadpool_limits

    # forked workers keep this process's BLAS settings: one thread each, as they share out the cores
    with threadpool_limits(1), ProcessPoolExecutor(workers, mp_context=_start_method(),
                                                   initializer=_one_thread_each) as pool:
        pending = {pool.submit(function, task): task for task in tasks}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()
        finally:
            for future in pending:
                future.cancel()


def _start_method():
    """fork where the system has it: a worker starts at once instead of importing torch again. Forked
    workers are safe here because each uses a single thread (torch's thread pools, started in the
    parent, are never entered in a child), the pattern of torch's own DataLoader workers."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _one_thread_each() -> None:
    torch = sys.modules.get("torch")  # forked from a parent that loaded it; work that never needs it never loads it
    if torch is not None:
        torch.set_num_threads(1)  # the workers already share out the cores


def _on_ray(function: Callable[[Task], Result], tasks: Sequence[Task], address: str):
    try:
        import ray
    except ImportError:
        raise ConfigError("--ray needs Ray: pip install 'neuronscope[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        try:
            if address == "local":  # a private instance, reachable from this machine only
                ray.init(_node_ip_address="127.0.0.1", include_dashboard=False, log_to_driver=False,
                         configure_logging=False)
            else:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
        except (ConnectionError, ValueError, RuntimeError) as e:
            raise ConfigError(f"cannot reach a Ray cluster at {address!r}: {e}".splitlines()[0]) from None
    try:
        remote = ray.remote(num_cpus=1)(function)
        pending = {remote.remote(task): task for task in tasks}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            yield pending.pop(done[0]), ray.get(done[0])
    finally:
        if started_here:
            ray.shutdown()
