"""Where people wait on the command line: ``--help``, ``--version``, ``figures`` and ``report`` of a
784-16-16-10 run, and ``convnet report`` of an MNIST ConvNet, each timed as a fresh process.

    python benchmarks/first_use.py DENSE_RUN CONV_RUN [--repeats 5] [--baseline-src OLD/src]

Prints the median of ``--repeats`` runs (the ConvNet report: ``--slow-repeats``) per command. With
``--baseline-src``, every command also runs from that source tree (another version of neuronscope),
interleaved with this one so both see the same machine load. ``report`` runs after ``figures``, as a
user would: it may reuse the figures just written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(argv: list[str], source: Path | None) -> float:
    env = {**os.environ, **({"PYTHONPATH": str(source)} if source else {})}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "neuronscope", *argv], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dense_run", type=Path)
    parser.add_argument("conv_run", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--slow-repeats", type=int, default=1)
    parser.add_argument("--baseline-src", type=Path)
    args = parser.parse_args()
    versions = {"this tree": None, **({"baseline": args.baseline_src} if args.baseline_src else {})}
    with tempfile.TemporaryDirectory() as scratch:
        copies = {}
        for label in versions:  # each version works on its own copy: one's files never help the other
            folder = Path(scratch) / label.replace(" ", "-")
            copies[label] = (folder / "dense", folder / "conv")
            shutil.copytree(args.dense_run, copies[label][0], ignore=shutil.ignore_patterns("figures", "report.html"))
            shutil.copytree(args.conv_run, copies[label][1], ignore=shutil.ignore_patterns("figures", "report.html"))
        commands = [("--help", lambda d, c: ["--help"], args.repeats),
                    ("--version", lambda d, c: ["--version"], args.repeats),
                    ("figures", lambda d, c: ["figures", str(d)], args.repeats),
                    ("report", lambda d, c: ["report", str(d)], args.repeats),
                    ("convnet report", lambda d, c: ["convnet", "report", str(c), "--quiet"], args.slow_repeats)]
        print(f"{'command':<16}" + "".join(f"{label:>14}" for label in versions) + "   (median seconds)")
        for name, argv, repeats in commands:
            times = {label: [] for label in versions}
            for _ in range(repeats):
                for label, source in versions.items():
                    times[label].append(timed(argv(*copies[label]), source))
            print(f"{name:<16}" + "".join(f"{statistics.median(t):>14.2f}" for t in times.values()), flush=True)


if __name__ == "__main__":
    main()
