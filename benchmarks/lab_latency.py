"""Round-trip latency and throughput of the lab's inference API, from clients on the same machine.

    python benchmarks/lab_latency.py RUN            # RUN: a 784-16-16-10 run directory

Starts ``neuronscope serve`` in its own process, then sends the request the page sends on every
animation frame while a stroke is drawn (a 56x56 drawing, prepared MNIST-style on the server).
Prints p50/p99 of sequential round trips, requests/s sustained by 8 concurrent clients, and as
the baseline the same preparation and forward pass called in-process (the floor the HTTP layer adds to).
Targets: p50 <= 5 ms, p99 <= 20 ms, >= 500 requests/s with 8 clients.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import torch

from neuronscope.data.transforms import center_like_mnist
from neuronscope.runs import load_run


def drawing() -> list[float]:
    image = np.zeros((56, 56))
    image[8:48, 25:31] = 1.0  # a stroke like a "1"
    image[8:14, 18:31] = 0.8
    return image.reshape(-1).round(2).tolist()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client_worker(url: str, payload: bytes, seconds: float, results) -> None:
    count = 0
    with httpx.Client(headers={"content-type": "application/json"}) as client:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            client.post(url, content=payload).raise_for_status()
            count += 1
    results.put(count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    run = load_run(args.run)
    payload = json.dumps({"pixels": drawing(), "height": 56, "width": 56, "preprocess": "mnist"}).encode()

    pixels = np.asarray(drawing(), dtype=np.float32).reshape(56, 56)
    t = time.perf_counter()
    for _ in range(args.requests):
        with torch.inference_mode():
            run.model.activations(torch.from_numpy(center_like_mnist(pixels)).reshape(1, -1))
    in_process_ms = 1000 * (time.perf_counter() - t) / args.requests

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "neuronscope", "serve", str(args.run), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/runs/{args.run.resolve().name}/infer"
    try:
        with httpx.Client(headers={"content-type": "application/json"}) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.post(url, content=payload).raise_for_status()
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            latencies = []
            for _ in range(args.requests):
                t = time.perf_counter()
                client.post(url, content=payload).raise_for_status()
                latencies.append(1000 * (time.perf_counter() - t))
        p50, p99 = np.percentile(latencies, [50, 99])

        results = multiprocessing.Queue()
        workers = [multiprocessing.Process(target=client_worker, args=(url, payload, args.seconds, results))
                   for _ in range(args.clients)]
        for w in workers:
            w.start()
        total = sum(results.get() for _ in workers)
        for w in workers:
            w.join()
        throughput = total / args.seconds
    finally:
        server.terminate()
        server.wait()

    print(f"model {'-'.join(map(str, run.model.config.layers))}; request: 56x56 drawing, MNIST-style preparation")
    print(f"{'in-process preparation + forward (baseline)':46}{in_process_ms:8.2f} ms")
    print(f"{'HTTP round trip p50':46}{p50:8.2f} ms   (target <= 5)  {'PASS' if p50 <= 5 else 'FAIL'}")
    print(f"{'HTTP round trip p99':46}{p99:8.2f} ms   (target <= 20) {'PASS' if p99 <= 20 else 'FAIL'}")
    print(f"{f'{args.clients} concurrent clients':46}{throughput:8.0f} req/s (target >= 500) "
          f"{'PASS' if throughput >= 500 else 'FAIL'}")
    return 0 if p50 <= 5 and p99 <= 20 and throughput >= 500 else 1


if __name__ == "__main__":
    sys.exit(main())
