"""Backpropagation for one example, every number written down and checked against finite differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import TinyNetwork


@dataclass(frozen=True)
class BackpropTrace:
    """Forward values, the loss, what flows back, and the check.

    ``z[l]``, ``a[l]`` (width,): layer l's weighted sums and activations (``a[0]`` is the input);
    ``deltas[l]``: d loss / d z of layer l+1's neurons; ``weight_gradients[l]`` (out, in) and
    ``bias_gradients[l]`` (out,) by backpropagation, ``numerical_*`` the same by finite differences.
    ``after`` is the network one gradient-descent step later and ``loss_after`` its loss.
    """

    network: TinyNetwork
    target: float
    loss_name: str
    z: list[np.ndarray]
    a: list[np.ndarray]
    loss: float
    deltas: list[np.ndarray]
    weight_gradients: list[np.ndarray]
    bias_gradients: list[np.ndarray]
    numerical_weight_gradients: list[np.ndarray]
    numerical_bias_gradients: list[np.ndarray]
    lr: float
    after: TinyNetwork
    loss_after: float

    @property
    def largest_difference(self) -> float:
        """The largest |backprop - finite difference| over every weight and bias."""
        pairs = zip(self.weight_gradients + self.bias_gradients,
                    self.numerical_weight_gradients + self.numerical_bias_gradients)
        return float(max(np.abs(g - n).max() for g, n in pairs))


def example_network() -> tuple[TinyNetwork, np.ndarray, float]:
    """A 2-2-1 sigmoid network with round weights, one input and its target: small enough to do by hand."""
    network = TinyNetwork((np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45]])),
                          (np.array([0.35, 0.35]), np.array([0.60])), "sigmoid")
    return network, np.array([0.05, 0.10]), 0.01


def backprop_trace(network: TinyNetwork, x, target: float, loss: str = "squared", lr: float = 0.5) -> BackpropTrace:
    """Everything backpropagation computes for input ``x`` (inputs,) and ``target`` in [0, 1]."""
    forward = network.forward(x)
    grads = network.gradients(x, [target], loss)
    numerical = network.numerical_gradients(x, [target], loss)
    after = network.step(x, [target], lr, loss)
    return BackpropTrace(
        network=network, target=float(target), loss_name=loss,
        z=[z[0] for z in forward.z], a=[a[0] for a in forward.a], loss=network.loss(x, [target], loss),
        deltas=[d[0] for d in grads.deltas], weight_gradients=grads.weights, bias_gradients=grads.biases,
        numerical_weight_gradients=numerical.weights, numerical_bias_gradients=numerical.biases,
        lr=float(lr), after=after, loss_after=after.loss(x, [target], loss))
