"""The lab under load from 8 and 32 concurrent clients on this machine: throughput, latency and the
server's memory.

    python benchmarks/lab_load.py RUN [--seconds 8] [--baseline-src OLD/src]   # RUN: a 784-16-16-10 run

Each client is a process looping over what a page does: list the runs, describe one, fetch its weights,
one neuron, a test digit, and an inference of a 56x56 drawing. Prints requests/s, p50 and p99 latency
per client count, and the server's resident memory before the load and after each level (flat memory
means nothing leaks). With ``--baseline-src``, the same load first runs against a server started from
that source tree (another version of neuronscope), for a side-by-side comparison in one run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from pathlib import Path

import httpx
import numpy as np
from lab_latency import drawing
from lab_server import serving_process


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def client(base: str, run: str, seconds: float, results) -> None:
    body = json.dumps({"pixels": drawing(), "height": 56, "width": 56, "preprocess": "mnist"}).encode()
    requests = [("GET", "/api/runs", None), ("GET", f"/api/runs/{run}", None), ("GET", f"/api/runs/{run}/weights", None),
                ("GET", f"/api/runs/{run}/neurons/hidden1/3", None), ("GET", f"/api/runs/{run}/samples?index=7", None),
                ("POST", f"/api/runs/{run}/infer", body)]
    latencies, errors = [], 0
    with httpx.Client(base_url=base, headers={"content-type": "application/json"}, timeout=30) as http:
        end, k = time.perf_counter() + seconds, 0
        while time.perf_counter() < end:
            method, path, content = requests[k % len(requests)]
            started = time.perf_counter()
            answer = http.request(method, path, content=content)
            latencies.append(time.perf_counter() - started)
            errors += answer.status_code >= 400
            k += 1
    results.put((latencies, errors))


def load(base: str, run: str, clients: int, seconds: float) -> tuple[float, float, float, int]:
    results = multiprocessing.get_context("fork").Queue()
    workers = [multiprocessing.get_context("fork").Process(target=client, args=(base, run, seconds, results))
               for _ in range(clients)]
    for w in workers:
        w.start()
    gathered = [results.get() for _ in workers]
    for w in workers:
        w.join()
    latencies = np.concatenate([np.array(l) for l, _ in gathered]) * 1000
    return len(latencies) / seconds, *np.percentile(latencies, [50, 99]), sum(e for _, e in gathered)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--baseline-src", type=Path, help="a neuronscope src folder to measure first, as the baseline")
    args = parser.parse_args()
    versions = [("baseline", args.baseline_src)] if args.baseline_src else []
    for label, source in [*versions, ("this version", None)]:
        with serving_process(args.run, source=source) as (base, server):
            run = args.run.resolve().name
            httpx.get(f"{base}/api/runs/{run}/samples?index=0", timeout=60)  # the test set, loaded once
            print(f"{label}: server memory before the load {rss_mb(server.pid):.0f} MB")
            for clients in (8, 32):
                throughput, p50, p99, errors = load(base, run, clients, args.seconds)
                print(f"  {clients:>2} clients: {throughput:6.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
                      f"errors {errors}  server memory after: {rss_mb(server.pid):.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
