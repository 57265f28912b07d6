"""Wall time of the hidden-size sweep against training the same networks one by one, in one run.

    python benchmarks/sweep_speed.py --data-dir ../shared/data [--train-size 10000] [--seeds 3]

Baseline: every (setup, size, seed) network of `neuronscope experiment hidden-sweep` trained in
turn with the core training loop (`neuronscope.training.train`), as a plain loop over the sweep would.
neuronscope: the sweep's own path, each seed's networks packed into one block-diagonal network,
the packs spread over worker processes (one per core); shown also with one process, to separate
what packing gives from what the second core gives. Target: >= 3x faster on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from neuronscope.experiments.hidden_sizes import DEFAULT_SIZES, SETUPS, sweep_groups
from neuronscope.experiments.parallel import default_workers
from neuronscope.experiments.training import DataSpec, train_networks
from neuronscope.models import MLP
from neuronscope.training import train

TARGET = 3.0


def sequential(groups, data) -> tuple[float, dict]:
    accuracy = {}
    started = time.perf_counter()
    for group in groups:
        for network in group.networks:
            model = MLP(network.model)
            history = train(model, data, network.training, progress=False)
            accuracy[network.path] = history[-1]["test_accuracy"]
    return time.perf_counter() - started, accuracy


def swept(groups, dataset: dict, workers: int) -> tuple[float, dict]:
    import json

    started = time.perf_counter()
    train_networks(groups, dataset, workers=workers, progress=False)
    seconds = time.perf_counter() - started
    accuracy = {n.path: json.loads((Path(n.path) / "metrics.json").read_text())["history"][-1]["test_accuracy"]
                for g in groups for n in g.networks}
    return seconds, accuracy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--train-size", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, help="override the setups' epochs (30 classic, 10 modern)")
    args = parser.parse_args()
    spec = DataSpec("mnist", args.data_dir, args.train_size)
    data = spec.load(progress=False)
    dataset = data.summary()
    workers = default_workers()
    count = len(DEFAULT_SIZES) * args.seeds * len(SETUPS)
    print(f"hidden sweep: sizes {list(DEFAULT_SIZES)} x {args.seeds} seeds x {list(SETUPS)} = {count} networks "
          f"on {dataset['train_size']} MNIST images; {workers} cores")
    with tempfile.TemporaryDirectory() as tmp:
        def groups(name):
            return list(sweep_groups(Path(tmp) / name, spec, dataset, DEFAULT_SIZES, args.seeds, SETUPS,
                                     args.epochs).values())

        base_seconds, base_accuracy = sequential(groups("baseline"), data)
        print(f"  one by one, core training loop:      {base_seconds:7.1f} s")
        one_seconds, _ = swept(groups("packed"), dataset, workers=1)
        print(f"  packed, 1 process:                   {one_seconds:7.1f} s   {base_seconds / one_seconds:4.1f}x")
        seconds, accuracy = swept(groups("sweep"), dataset, workers=workers)
        speedup = base_seconds / seconds
        print(f"  packed, {workers} processes (the sweep):     {seconds:7.1f} s   {speedup:4.1f}x  "
              f"(target >= {TARGET:.0f}x)")
    pairs = [(base_accuracy[k], accuracy[k.replace("/baseline/", "/sweep/")]) for k in base_accuracy]
    gap = max(abs(a - b) for a, b in pairs)
    mean_gap = float(np.mean([abs(a - b) for a, b in pairs]))
    print(f"  test accuracy, sweep vs one by one: largest difference {100 * gap:.2f} points, mean "
          f"{100 * mean_gap:.3f} (the same updates; sigmoid nets at lr 3.0 amplify float rounding)")
    return 0 if speedup >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
