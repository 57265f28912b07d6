"""Mini-batch SGD/Adam for an MLP with hand-written backpropagation.

Small networks spend most of a training step in per-operation overhead, not arithmetic. Here all
parameters live in one flat buffer (weights first, then biases) so Adam and its L2 decay are one
operation each over the whole network, while plain SGD writes each layer's update straight into
its weights with one BLAS call (decay included); every intermediate array is preallocated, its
views for a given batch size are made once, each result is written with ``out=``, and the
functions for the chosen activation and cost are picked once instead of on every step. The
model's own parameters are views into the flat buffer, so the model is always current and can
be evaluated or saved at any time.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..models.mlp import MLP
from .config import TrainConfig
from .costs import HIDDEN_DERIVATIVES, output_delta_function

# A CPU layer's forward product goes through NumPy's BLAS call for small batches and weight matrices
# that stay in cache: there it costs a third to a half of torch.mm's (10x784 by 784x30: 5 us against
# 15 us); for larger ones torch is faster.
NUMPY_MATMUL_WEIGHTS = 80_000
NUMPY_MATMUL_BATCH = 32
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


def _softmax_(a: torch.Tensor) -> None:
    a.copy_(torch.softmax(a, dim=1))


IN_PLACE_ACTIVATIONS = {"sigmoid": torch.Tensor.sigmoid_, "tanh": torch.Tensor.tanh_, "relu": torch.Tensor.relu_,
                        "softmax": _softmax_, "linear": None}


class _Buffers:
    """Views of the preallocated arrays for one batch size m."""

    def __init__(self, arrays: dict[str, list[torch.Tensor]], m: int):
        self.x = arrays["batch"][0][:m]
        self.ones = arrays["batch"][1][:m]
        self.acts = [a[:m] for a in arrays["acts"]]
        self.inputs = [self.x] + self.acts[:-1]  # what each layer reads
        self.deltas = [d[:m] for d in arrays["deltas"]]
        self.deltas_t = [d.t() for d in self.deltas]
        self.scratch = [s[:m] for s in arrays["scratch"]]
        if self.x.device.type == "cpu":  # NumPy views of the same memory, made once
            self.np_inputs = [t.numpy() for t in self.inputs]
            self.np_acts = [a.numpy() for a in self.acts]


def _grouped_softmax(groups: int):
    def softmax_(a: torch.Tensor) -> None:
        a.copy_(torch.softmax(a.view(len(a), groups, -1), dim=2).view_as(a))
    return softmax_


class BackpropTrainer:
    """Trains ``model`` on the rows of ``x`` (n, inputs) one mini-batch at a time.

    ``weight_masks`` (one per layer, or None) keeps the zero entries of a mask at zero: their
    gradient is dropped, so a block-diagonal network stays block-diagonal. ``output_groups``
    splits the output layer into that many equal groups with a softmax each.
    """

    def __init__(self, model: MLP, config: TrainConfig, x: torch.Tensor, max_batch: int,
                 weight_masks: list[torch.Tensor | None] | None = None, output_groups: int = 1):
        self.model, self.config, self.x = model, config, x
        self.train_size = len(x)
        device = next(model.parameters()).device
        params = [layer.weight for layer in model.layers] + [layer.bias for layer in model.layers]
        total = sum(p.numel() for p in params)
        self.params = torch.empty(total, device=device)
        self.grads = torch.zeros(total, device=device)
        views, grad_views, offset = [], [], 0
        for p in params:
            n = p.numel()
            self.params[offset:offset + n].copy_(p.detach().reshape(-1))
            p.data = self.params[offset:offset + n].view_as(p)
            views.append(p.data)
            grad_views.append(self.grads[offset:offset + n].view_as(p))
            offset += n
        depth = len(model.layers)
        self.weights, self.biases = views[:depth], views[depth:]
        self.weights_t = [w.t() for w in self.weights]
        self.numpy_forward = [device.type == "cpu" and max_batch <= NUMPY_MATMUL_BATCH
                              and w.numel() <= NUMPY_MATMUL_WEIGHTS for w in self.weights]
        self.np_weights_t = [w.t().numpy() if on_numpy else None for w, on_numpy in zip(self.weights,
                                                                                        self.numpy_forward)]
        self.weight_grads, self.bias_grads = grad_views[:depth], grad_views[depth:]
        n_weights = sum(w.numel() for w in self.weights)
        self.all_weights, self.all_weight_grads = self.params[:n_weights], self.grads[:n_weights]

        self.activate = [IN_PLACE_ACTIVATIONS[model.config.activation]] * (depth - 1)
        grouped_softmax = model.config.output == "softmax" and output_groups > 1
        self.activate.append(_grouped_softmax(output_groups) if grouped_softmax
                             else IN_PLACE_ACTIVATIONS[model.config.output])
        self.weight_masks = weight_masks or [None] * depth
        # SGD writes straight into every unmasked layer; Adam and masked layers go through stored gradients
        self._learn = [self._descend if config.optimizer == "sgd" and mask is None else self._store_gradient
                       for mask in self.weight_masks]
        self._stored = [i for i, learn in enumerate(self._learn) if learn == self._store_gradient]
        self._shrink = 1.0 - config.lr * config.l2 / self.train_size
        self.derivative = HIDDEN_DERIVATIVES[model.config.activation]
        self.output_delta = output_delta_function(config.loss, model.config.output)

        sizes = model.config.layers[1:]
        self._arrays = {
            "batch": [torch.empty(max_batch, x.shape[1], device=device), torch.ones(max_batch, device=device)],
            **{name: [torch.empty(max_batch, n, device=device) for n in sizes]
               for name in ("acts", "deltas", "scratch")}}
        self._buffers: dict[int, _Buffers] = {}
        self.adam = None
        self.adam_steps = 0
        if config.optimizer == "adam":
            self.adam = {"m": torch.zeros_like(self.params), "v": torch.zeros_like(self.params),
                         "denom": torch.empty_like(self.params)}

    def optimizer_state(self) -> dict[str, torch.Tensor]:
        if self.adam is None:
            return {}
        return {"m": self.adam["m"], "v": self.adam["v"], "step": torch.tensor(self.adam_steps)}

    def load_optimizer_state(self, state: dict[str, torch.Tensor]) -> None:
        if self.adam is None:
            return
        self.adam["m"].copy_(state["m"])
        self.adam["v"].copy_(state["v"])
        self.adam_steps = int(state["step"])

    def step(self, rows: torch.Tensor, onehot: torch.Tensor, labels: torch.Tensor) -> None:
        """One update from the mini-batch made of ``rows`` (int64 indices into ``x``), whose targets
        are ``onehot`` (m, classes) and ``labels`` (m,)."""
        m = rows.shape[0]
        b = self._buffers.get(m) or self._buffers.setdefault(m, _Buffers(self._arrays, m))
        torch.index_select(self.x, 0, rows, out=b.x)
        acts, deltas, scratch = b.acts, b.deltas, b.scratch

        for i, (a, bias, activate) in enumerate(zip(acts, self.biases, self.activate)):
            if self.numpy_forward[i]:
                np.dot(b.np_inputs[i], self.np_weights_t[i], out=b.np_acts[i])
            else:
                torch.mm(b.inputs[i], self.weights_t[i], out=a)
            a.add_(bias)  # for matrices this small, addmm's fused bias costs more than a separate add
            if activate is not None:
                activate(a)

        last = len(acts) - 1
        self.output_delta(acts[last], onehot, labels, deltas[last], scratch[last])
        for i in range(last, -1, -1):
            if i:
                torch.mm(deltas[i], self.weights[i], out=deltas[i - 1])  # with the weights from before this step
            self._learn[i](i, b.deltas_t[i], b.inputs[i], b.ones, m)
            if i:
                self.derivative(acts[i - 1], deltas[i - 1], scratch[i - 1])
        if self._stored:
            self._update(m)

    def _descend(self, i: int, delta_t: torch.Tensor, below: torch.Tensor, ones: torch.Tensor, m: int) -> None:
        """Plain SGD written straight into layer i: W <- (1 - lr*decay) W - lr/m * delta^T below, one BLAS
        call that never materializes the gradient; the bias moves by the delta summed over the batch."""
        step = -self.config.lr / m
        self.weights[i].addmm_(delta_t, below, beta=self._shrink, alpha=step)
        self.biases[i].addmv_(delta_t, ones, alpha=step)

    def _store_gradient(self, i: int, delta_t: torch.Tensor, below: torch.Tensor, ones: torch.Tensor, m: int) -> None:
        torch.mm(delta_t, below, out=self.weight_grads[i])
        if self.weight_masks[i] is not None:
            self.weight_grads[i].mul_(self.weight_masks[i])
        torch.mv(delta_t, ones, out=self.bias_grads[i])  # sum over the batch, as one BLAS call

    def _update(self, m: int) -> None:
        cfg = self.config
        decay = cfg.l2 / self.train_size
        if self.adam is None:
            for i in self._stored:
                if decay:
                    self.weights[i].mul_(self._shrink)
                self.weights[i].add_(self.weight_grads[i], alpha=-cfg.lr / m)
                self.biases[i].add_(self.bias_grads[i], alpha=-cfg.lr / m)
            return
        g, state = self.grads, self.adam
        g.mul_(1.0 / m)
        if decay:
            self.all_weight_grads.add_(self.all_weights, alpha=decay)
        self.adam_steps += 1
        t = self.adam_steps
        b1, b2 = ADAM_BETAS
        state["m"].lerp_(g, 1 - b1)
        state["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
        denom = state["denom"]
        torch.sqrt(state["v"], out=denom)
        denom.div_(math.sqrt(1 - b2**t)).add_(ADAM_EPS)
        self.params.addcdiv_(state["m"], denom, value=-cfg.lr / (1 - b1**t))

    def finite(self) -> bool:
        return bool(torch.isfinite(self.params).all())
