"""The MNIST ConvNet: training on all 60,000 images, activation maximization for all ten classes, and
PGD-20 on 1,000 test digits, each against a baseline measured in the same run.

    python benchmarks/vision_speed.py --data-dir ../shared/data [--epochs 3] [--out runs/bench-convnet]

Targets: >= 98.5% test accuracy after training on the full set in a few minutes; 256 steps of
activation maximization for all 10 classes in <= 5 s (batched; baseline: one class at a time); PGD-20
on 1,000 test digits in <= 10 s (batched; baseline: one digit at a time, timed on 100 and scaled).
Runs on CUDA when present.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from neuronscope.data import load_dataset
from neuronscope.inspect import featurevis as fv
from neuronscope.inspect.adversarial import pgd
from neuronscope.models import ConvNetConfig
from neuronscope.runs import CONFIG, open_run, train_run
from neuronscope.training.loop import pick_device
from neuronscope.training.module_loop import ModuleTrainConfig, image_tensor

ACCURACY_TARGET, RENDER_TARGET, PGD_TARGET = 0.985, 5.0, 10.0


def best_of(repeats: int, work) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--out", default="runs/bench-convnet")
    parser.add_argument("--reuse", action="store_true", help="use the run already in --out instead of training")
    args = parser.parse_args()
    device = pick_device(None)
    print(f"device: {device}, {torch.get_num_threads()} threads")

    data = load_dataset("mnist", args.data_dir)
    if args.reuse and (Path(args.out) / CONFIG).exists():
        run = open_run(args.out, device=device)
        print(f"reusing {args.out}")
    else:
        started = time.perf_counter()
        run = train_run(args.out, data, ConvNetConfig(), ModuleTrainConfig(epochs=args.epochs),
                               overwrite=True, device=device)
        minutes = (time.perf_counter() - started) / 60
        print(f"training on {len(data.train_labels)} images, {args.epochs} epochs: {minutes:.1f} min")
    accuracy = run.history[-1]["test_accuracy"]
    model = run.model.eval()

    objective = fv.class_logit(list(range(10)))
    batched = best_of(2, lambda: fv.render(model, objective, (1, 28, 28), batch=10, steps=256))
    one_by_one = best_of(1, lambda: [fv.render(model, fv.class_logit(c), (1, 28, 28), steps=256) for c in range(10)])
    print(f"activation maximization, 256 steps x 10 classes: batched {batched:.2f} s, "
          f"one class at a time {one_by_one:.2f} s ({one_by_one / batched:.1f}x)")

    x = image_tensor(data.test_images[:1000], device)
    y = torch.as_tensor(data.test_labels[:1000], device=device)
    attack = None

    def batched_pgd():
        nonlocal attack
        attack = pgd(model, x, y, 0.1, steps=20)

    pgd_seconds = best_of(2, batched_pgd)
    single = best_of(1, lambda: [pgd(model, x[i:i + 1], y[i:i + 1], 0.1, steps=20) for i in range(100)]) * 10
    print(f"PGD-20 (L-inf, eps 0.1) on 1,000 test digits: batched {pgd_seconds:.2f} s, one digit at a time "
          f"{single:.1f} s (from 100) ({single / pgd_seconds:.0f}x); accuracy under attack {100 * attack.accuracy:.1f}%")

    checks = [(f"test accuracy {100 * accuracy:.2f}% >= {100 * ACCURACY_TARGET:.1f}%", accuracy >= ACCURACY_TARGET),
              (f"activation maximization {batched:.2f} s <= {RENDER_TARGET:.0f} s", batched <= RENDER_TARGET),
              (f"PGD-20 on 1,000 {pgd_seconds:.2f} s <= {PGD_TARGET:.0f} s", pgd_seconds <= PGD_TARGET)]
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
