"""How fast dictionary features come: a sparse autoencoder on all 60,000 training activations of a
784-100-10 network's hidden layer (800 features, top-k), and the toy model of superposition at one
sparsity (what the lab's slider waits for).

    python benchmarks/features_speed.py RUN [--repeats 3] [--data-dir DIR]

RUN is a 784-100-10 MNIST run (``neuronscope train --preset modern``). Each figure is the median of
``--repeats``, printed beside a baseline timed in the same process: for the dictionary, the L1 penalty of
"Towards Monosemanticity" in place of top-k, same size and epochs; for the toy model, the published recipe
(10,000 Adam steps of 1,024 at learning rate 1e-3, one start). The quality each reaches is printed too, so
speed is never bought with a worse result.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

import torch

from neuronscope import open_run
from neuronscope.feature_configs import SAEConfig, ToyConfig
from neuronscope.inspect.activations import accuracy_with_layer_replaced, layer_activations
from neuronscope.inspect.sae import sae_quality, train_sae
from neuronscope.inspect.toy_superposition import train_toy_model


def median_time(make, repeats: int):
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = make()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    torch.set_num_threads(2)

    run = open_run(args.run, kinds=("mlp",))
    data = run.load_data(args.data_dir, progress=False)
    train = layer_activations(run.model, data.train_images, "hidden1")
    test = layer_activations(run.model, data.test_images, "hidden1")
    accuracy = accuracy_with_layer_replaced(run.model, data.test_images, data.test_labels, "hidden1", None)
    config = SAEConfig()
    print(f"sparse autoencoder: {train.shape[0]:,} x {train.shape[1]} activations, {config.features} features, "
          f"{config.epochs} epochs; test accuracy as it is {100 * accuracy:.2f}%")
    for name, settings in ((f"neuronscope (top-k, k = {config.k})", config),
                           (f"baseline (L1 penalty {config.l1:g})", replace(config, sparsity="l1"))):
        seconds, sae = median_time(lambda: train_sae(train, settings, progress=False), args.repeats)
        quality = sae_quality(sae, test)
        spliced = accuracy_with_layer_replaced(run.model, data.test_images, data.test_labels, "hidden1", sae.forward)
        print(f"  {name:<30} {seconds:6.1f} s   variance explained {100 * quality.variance_explained:.1f}%   "
              f"L0 {quality.l0:.1f}   dead {quality.dead}   accuracy with the reconstruction "
              f"{100 * spliced:.2f}% ({100 * (accuracy - spliced):+.2f} points lost)")

    print("toy model of superposition, 5 features in 2 dimensions, sparsity 0.9:")
    train_toy_model(ToyConfig(steps=10))  # the first call pays for torch's warm-up
    for name, config in (("neuronscope (800 steps of 512, 4 starts)", ToyConfig()),
                         ("published recipe (10,000 of 1,024, 1 start)",
                          ToyConfig(steps=10_000, batch_size=1024, lr=1e-3, starts=1))):
        seconds, model = median_time(lambda: train_toy_model(config), args.repeats)
        print(f"  {name:<45} {seconds:6.2f} s   loss {model.loss:.5f}   {model.represented} features represented")


if __name__ == "__main__":
    main()
