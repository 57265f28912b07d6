"""Round-trip latency and throughput of the lab's inference API, from clients on the same machine.

    python benchmarks/lab_latency.py RUN            # RUN: a 784-16-16-10 run directory

Starts ``neuronscope serve`` in its own process, then sends two kinds of request: one network
input (28x28), and a 56x56 drawing that the server prepares MNIST-style. Prints p50/p99 of
sequential round trips, requests/s sustained by 8 concurrent client processes, and as the
baseline the same preparation and forward pass called in-process (the floor the HTTP layer adds to).
Targets: p50 <= 5 ms, p99 <= 20 ms, >= 500 requests/s with 8 clients.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import torch
from lab_server import serving

from neuronscope.data.transforms import center_like_mnist
from neuronscope.runs import open_run


def drawing() -> list[float]:
    image = np.zeros((56, 56))
    image[8:48, 25:31] = 1.0  # a stroke like a "1"
    image[8:14, 18:31] = 0.8
    return image.reshape(-1).round(2).tolist()


def client_worker(url: str, payload: bytes, seconds: float, results) -> None:
    count = 0
    with httpx.Client(headers={"content-type": "application/json"}) as client:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            client.post(url, content=payload).raise_for_status()
            count += 1
    results.put(count)


def measure(url: str, payload: bytes, requests: int, clients: int, seconds: float) -> tuple[float, float, float]:
    """(p50 ms, p99 ms) of sequential round trips, then requests/s sustained by concurrent clients."""
    with httpx.Client(headers={"content-type": "application/json"}) as client:
        latencies = []
        for _ in range(requests):
            t = time.perf_counter()
            client.post(url, content=payload).raise_for_status()
            latencies.append(1000 * (time.perf_counter() - t))
    p50, p99 = np.percentile(latencies, [50, 99])
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=client_worker, args=(url, payload, seconds, results))
               for _ in range(clients)]
    for w in workers:
        w.start()
    total = sum(results.get() for _ in workers)
    for w in workers:
        w.join()
    return p50, p99, total / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    run = open_run(args.run)
    shape = run.model.config.image_shape
    payloads = {
        "one network input (28x28)": json.dumps({"pixels": np.random.default_rng(0).uniform(size=784).round(3).tolist(),
                                                 "height": shape[0], "width": shape[1]}).encode(),
        "a 56x56 drawing, prepared MNIST-style": json.dumps({"pixels": drawing(), "height": 56, "width": 56,
                                                             "preprocess": "mnist"}).encode(),
    }
    pixels = np.asarray(drawing(), dtype=np.float32).reshape(56, 56)
    t = time.perf_counter()
    for _ in range(args.requests):
        with torch.inference_mode():
            run.model.activations(torch.from_numpy(center_like_mnist(pixels)).reshape(1, -1))
    in_process_ms = 1000 * (time.perf_counter() - t) / args.requests

    with serving(args.run) as base:
        url = f"{base}/api/runs/{args.run.resolve().name}/infer"
        results = {name: measure(url, payload, args.requests, args.clients, args.seconds)
                   for name, payload in payloads.items()}

    print(f"model {'-'.join(map(str, run.model.config.layers))}; targets p50 <= 5 ms, p99 <= 20 ms, "
          f">= 500 req/s with {args.clients} clients")
    print(f"baseline, in-process preparation + forward of the drawing: {in_process_ms:.2f} ms")
    ok = True
    for name, (p50, p99, throughput) in results.items():
        passed = p50 <= 5 and p99 <= 20 and throughput >= 500
        ok = ok and passed
        verdict = "PASS" if passed else "FAIL"
        print(f"{name:40} p50 {p50:5.2f} ms  p99 {p99:5.2f} ms  {throughput:5.0f} req/s  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
