"""Training speed of neuronscope against the textbook per-example NumPy loop, in one run.

    python benchmarks/train_speed.py --data-dir ../shared/data

1. Preset nielsen (784-30-10 sigmoid, quadratic cost, SGD lr 3.0, batch 10) for one epoch over the
   MNIST training set, starting from the same weights and visiting images in the same order as the
   baseline: the per-example backpropagation loop of the classic NumPy textbook network, written
   out below. Then the cost per step, the best of several runs for each, and a plain
   PyTorch autograd loop, to show where the time goes.
2. 784-30-10 with cross-entropy, Adam and batch 128 for epochs over Fashion-MNIST's 60,000 images.
Targets: >= 10x faster than the baseline at equal accuracy (within 0.5 points); <= 0.3 s per epoch.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace

import numpy as np
import torch

from neuronscope.data import load_dataset
from neuronscope.inspect import predict
from neuronscope.models import MLP
from neuronscope.training import build_configs, train


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_prime(z):
    return _sigmoid(z) * (1 - _sigmoid(z))


def _textbook_backprop(weights, biases, x, y):
    """Gradients for one example, column vectors throughout, as the classic textbook code has it."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    activation, activations, zs = x, [x], []
    for b, w in zip(biases, weights):
        z = np.dot(w, activation) + b
        zs.append(z)
        activation = _sigmoid(z)
        activations.append(activation)
    delta = (activations[-1] - y) * _sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for layer in range(2, len(weights) + 1):
        delta = np.dot(weights[-layer + 1].transpose(), delta) * _sigmoid_prime(zs[-layer])
        nabla_b[-layer] = delta
        nabla_w[-layer] = np.dot(delta, activations[-layer - 1].transpose())
    return nabla_b, nabla_w


def textbook_examples(images, labels):
    """The training set as the textbook's loader gives it: (784x1 image, 10x1 one-hot) pairs."""
    return [(image.reshape(-1, 1), np.eye(10)[label].reshape(-1, 1)) for image, label in zip(images, labels)]


def textbook_epoch(weights, biases, examples, order, lr=3.0, batch=10):
    """One epoch of the per-example NumPy network from the classic textbook: shuffle, then for each
    mini-batch backpropagate every example on its own, sum the gradients, and step."""
    examples = [examples[i] for i in order]
    for start in range(0, len(examples), batch):
        mini_batch = examples[start:start + batch]
        nabla_b = [np.zeros(b.shape) for b in biases]
        nabla_w = [np.zeros(w.shape) for w in weights]
        for x, y in mini_batch:
            delta_b, delta_w = _textbook_backprop(weights, biases, x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_w)]
        weights = [w - (lr / len(mini_batch)) * nw for w, nw in zip(weights, nabla_w)]
        biases = [b - (lr / len(mini_batch)) * nb for b, nb in zip(biases, nabla_b)]
    return weights, biases


def textbook_accuracy(weights, biases, images, labels):
    a = images.reshape(len(images), -1).T
    for w, b in zip(weights, biases):
        a = 1.0 / (1.0 + np.exp(-(w @ a + b)))
    return float((a.argmax(0) == labels).mean())


def autograd_epoch(model, images, labels, order, lr=3.0, batch=10):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    x = torch.as_tensor(images).reshape(len(images), -1)
    onehot = torch.nn.functional.one_hot(torch.as_tensor(labels), 10).float()
    for start in range(0, len(order), batch):
        idx = order[start:start + batch]
        out = torch.sigmoid(model(x[idx]))
        loss = 0.5 * ((out - onehot[idx]) ** 2).sum(1).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def nielsen_comparison(data, seed: int, repeats: int) -> dict:
    model_config, training = build_configs(input_size=784, num_classes=10, image_shape=(28, 28), preset="nielsen",
                                           epochs=1, seed=seed)
    model = MLP(model_config).reset_parameters(training.init, training.seed)  # the start train() draws too
    start_weights = [layer.weight.detach().double().numpy().copy() for layer in model.layers]
    start_biases = [layer.bias.detach().double().numpy().reshape(-1, 1).copy() for layer in model.layers]
    start_state = {k: v.clone() for k, v in model.state_dict().items()}
    # the permutation train() draws for its first epoch, so both see images in the same order
    order = torch.randperm(len(data.train_labels), generator=torch.Generator().manual_seed(seed)).numpy()
    examples = textbook_examples(data.train_images.astype(np.float64), data.train_labels)

    # 1) one full epoch each from the same start: accuracy must agree
    t = time.perf_counter()
    weights, biases = textbook_epoch(start_weights, start_biases, examples, order)
    baseline_epoch = time.perf_counter() - t
    baseline_accuracy = textbook_accuracy(weights, biases, data.test_images.astype(np.float64), data.test_labels)
    history = train(model, data, training, progress=False)
    predicted, _ = predict(model, data.test_images)
    accuracy = float((predicted == data.test_labels).mean())

    # 2) per-step cost, best of several runs (1,000 textbook steps; full neuronscope epochs), which
    # filters out a busy machine's noise
    steps = 1000
    slice_order = order[: steps * 10]
    baseline_step = min(_timed(lambda: textbook_epoch(start_weights, start_biases, examples, slice_order))
                        for _ in range(repeats)) / steps
    autograd_model = MLP(model_config)
    autograd_model.load_state_dict(start_state)
    autograd_step = min(_timed(lambda: autograd_epoch(autograd_model, data.train_images, data.train_labels,
                                                      torch.as_tensor(slice_order))) for _ in range(repeats)) / steps
    model.load_state_dict(start_state)
    repeated = train(model, data, replace(training, epochs=repeats), progress=False)
    step = min(h["seconds"] for h in repeated) / -(-len(order) // 10)
    return {"images": len(order), "baseline_epoch": baseline_epoch, "epoch": history[0]["seconds"],
            "baseline_accuracy": baseline_accuracy, "accuracy": accuracy,
            "baseline_step": baseline_step, "autograd_step": autograd_step, "step": step}


def _timed(work) -> float:
    t = time.perf_counter()
    work()
    return time.perf_counter() - t


def adam_epochs(data, epochs: int) -> list[float]:
    model_config, training = build_configs(input_size=784, num_classes=10, image_shape=(28, 28), preset="modern",
                                           layers=[784, 30, 10], batch_size=128, epochs=epochs, l2=0.0)
    model = MLP(model_config)
    history = train(model, data, training, progress=False)
    return [h["seconds"] for h in history], history[-1]["test_accuracy"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--adam-epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3, help="timed repetitions; the best one counts")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} threads")

    mnist = load_dataset("mnist", args.data_dir, progress=False)
    r = nielsen_comparison(mnist, args.seed, args.repeats)
    speedup = r["baseline_step"] / r["step"]
    same_accuracy = abs(r["accuracy"] - r["baseline_accuracy"]) <= 0.005
    print("\n1. preset nielsen on MNIST, batch 10, same starting weights and image order")
    print(f"{'':32}{'per step':>12}{'per 60k epoch':>15}{'one full epoch':>16}{'test acc':>10}")
    for name, step, epoch, acc in (
            ("textbook NumPy, per example", r["baseline_step"], r["baseline_epoch"], r["baseline_accuracy"]),
            ("PyTorch autograd + optim.SGD", r["autograd_step"], None, None),
            ("neuronscope", r["step"], r["epoch"], r["accuracy"])):
        epoch_text = f"{epoch:15.2f}s" if epoch is not None else f"{'-':>16}"
        acc_text = f"{100 * acc:9.2f}%" if acc is not None else f"{'-':>10}"
        print(f"{name:32}{1e6 * step:10.0f}us{6000 * step:14.2f}s{epoch_text}{acc_text}")
    print(f"per-step speedup over the textbook loop (best of {args.repeats} runs each): {speedup:.1f}x "
          f"(target >= 10x) {'PASS' if speedup >= 10 else 'FAIL'}; test accuracy after one epoch within 0.5 "
          f"points: {'PASS' if same_accuracy else 'FAIL'}")

    fashion = load_dataset("fashion-mnist", args.data_dir, progress=False)
    seconds, accuracy = adam_epochs(fashion, args.adam_epochs)
    best, median = min(seconds), statistics.median(seconds)
    print(f"\n2. 784-30-10, cross-entropy, Adam, batch 128, {len(fashion.train_labels)} Fashion-MNIST images")
    print(f"epoch seconds: {', '.join(f'{s:.3f}' for s in seconds)}; median {median:.3f} s, best {best:.3f} s "
          f"(target <= 0.3 s) {'PASS' if median <= 0.3 else 'FAIL'}; test accuracy after "
          f"{len(seconds)} epochs {100 * accuracy:.2f}%")
    return 0 if speedup >= 10 and same_accuracy and median <= 0.3 else 1


if __name__ == "__main__":
    sys.exit(main())
