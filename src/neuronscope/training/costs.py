"""Costs, each as a loss for evaluation (and autograd) and as its gradient with respect to the scores.

The gradient form is what the training loop uses: for the classic pairings it is a short closed
formula, far cheaper than building an autograd graph for every mini-batch.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def loss(scores: torch.Tensor, labels: torch.Tensor, cost: str, output: str) -> torch.Tensor:
    """Mean cost over the batch. scores: (n, classes) weighted sums of the output layer; labels: (n,) int64."""
    onehot = F.one_hot(labels, scores.shape[1]).to(scores.dtype)
    if cost == "quadratic":
        answer = torch.sigmoid(scores) if output == "sigmoid" else scores
        return 0.5 * (answer - onehot).pow(2).sum(1).mean()
    if cost == "cross-entropy":
        if output == "sigmoid":
            return F.binary_cross_entropy_with_logits(scores, onehot, reduction="sum") / len(labels)
        return F.cross_entropy(scores, labels)
    margins = (scores - scores.gather(1, labels[:, None]) + 1.0).clamp(min=0)
    return (margins.sum(1) - 1.0).mean()  # the true class contributes a margin of exactly 1


def _hinge_delta_(out, onehot, labels, delta, scratch) -> None:
    # d/ds_j = 1 where the margin s_j - s_y + 1 > 0 (j != y); d/ds_y = -(number of such j)
    torch.gather(out, 1, labels[:, None], out=scratch[:, :1])
    torch.sub(out, scratch[:, :1], out=delta)
    torch.gt(delta, -1.0, out=scratch)
    delta.copy_(scratch)
    delta.scatter_(1, labels[:, None], 0.0)
    torch.sum(delta, 1, keepdim=True, out=scratch[:, :1])
    delta.scatter_(1, labels[:, None], -scratch[:, :1])


def _difference_delta_(out, onehot, labels, delta, scratch) -> None:
    torch.sub(out, onehot, out=delta)


def _quadratic_sigmoid_delta_(out, onehot, labels, delta, scratch) -> None:
    torch.sub(out, onehot, out=delta)
    _sigmoid_derivative_(out, delta, scratch)


def output_delta_function(cost: str, output: str):
    """``f(out, onehot, labels, delta, scratch)`` writing d(sum of costs)/d(scores) into ``delta``.

    ``out`` holds the output layer's activations (sigmoid/softmax applied, or raw scores for linear
    outputs); ``scratch`` is a buffer of the same shape. Cross-entropy with softmax or sigmoid, and
    the quadratic cost with linear outputs, all reduce to ``out - onehot``.
    """
    if cost == "hinge":
        return _hinge_delta_
    if cost == "quadratic" and output == "sigmoid":
        return _quadratic_sigmoid_delta_
    return _difference_delta_


# torch's own backward kernels do each of these in one pass over the batch
def _sigmoid_derivative_(a: torch.Tensor, delta: torch.Tensor, scratch: torch.Tensor) -> None:
    torch.ops.aten.sigmoid_backward.grad_input(delta, a, grad_input=delta)  # delta * a * (1 - a)


def _tanh_derivative_(a: torch.Tensor, delta: torch.Tensor, scratch: torch.Tensor) -> None:
    torch.ops.aten.tanh_backward.grad_input(delta, a, grad_input=delta)  # delta * (1 - a^2)


def _relu_derivative_(a: torch.Tensor, delta: torch.Tensor, scratch: torch.Tensor) -> None:
    torch.ops.aten.threshold_backward.grad_input(delta, a, 0.0, grad_input=delta)  # 0 where a <= 0


HIDDEN_DERIVATIVES = {"sigmoid": _sigmoid_derivative_, "tanh": _tanh_derivative_, "relu": _relu_derivative_}
"""``f(a, delta, scratch)``: delta *= f'(z), with f' written in terms of the activation a = f(z)."""
