"""Mini-batch SGD/Adam for an MLP with hand-written backpropagation.

Small networks spend most of a training step in per-operation overhead, not arithmetic. Here all
parameters live in one flat buffer (weights first, then biases) so the update, L2 decay and Adam
are one operation each over the whole network, and every intermediate array is preallocated and
written with ``out=``. The model's own parameters are views into that buffer, so the model is
always current and can be evaluated or saved at any time.
"""

from __future__ import annotations

import math

import torch

from ..models.mlp import MLP
from .config import TrainConfig
from .costs import hidden_derivative_, output_delta_

ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


class BackpropTrainer:
    """Owns the flat parameter/gradient buffers of ``model`` and applies one mini-batch step at a time."""

    def __init__(self, model: MLP, config: TrainConfig, train_size: int, max_batch: int):
        self.model, self.config, self.train_size = model, config, train_size
        self.output = model.config.output
        self.activation = model.config.activation
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
        self.weight_grads, self.bias_grads = grad_views[:depth], grad_views[depth:]
        n_weights = sum(w.numel() for w in self.weights)
        self.all_weights, self.all_weight_grads = self.params[:n_weights], self.grads[:n_weights]
        sizes = model.config.layers[1:]
        self.acts = [torch.empty(max_batch, n, device=device) for n in sizes]
        self.deltas = [torch.empty(max_batch, n, device=device) for n in sizes]
        self.scratch = [torch.empty(max_batch, n, device=device) for n in sizes]
        self.adam = None
        if config.optimizer == "adam":
            self.adam = {"m": torch.zeros_like(self.params), "v": torch.zeros_like(self.params),
                         "denom": torch.empty_like(self.params)}
        self.adam_steps = 0

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

    def _forward(self, x: torch.Tensor, m: int) -> None:
        prev = x
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            a = self.acts[i][:m]
            torch.addmm(b, prev, w.t(), out=a)
            if i < last:
                if self.activation == "sigmoid":
                    a.sigmoid_()
                elif self.activation == "tanh":
                    a.tanh_()
                else:
                    a.relu_()
            elif self.output == "sigmoid":
                a.sigmoid_()
            elif self.output == "softmax":
                a.copy_(torch.softmax(a, dim=1))
            prev = a

    def step(self, x: torch.Tensor, onehot: torch.Tensor, labels: torch.Tensor) -> None:
        """One update from a mini-batch. x: (m, input_size); onehot: (m, classes); labels: (m,) int64."""
        m = x.shape[0]
        self._forward(x, m)
        last = len(self.weights) - 1
        delta = self.deltas[last][:m]
        output_delta_(self.acts[last][:m], onehot, labels, self.config.cost, self.output, delta,
                      self.scratch[last][:m])
        for i in range(last, -1, -1):
            prev = self.acts[i - 1][:m] if i > 0 else x
            torch.mm(delta.t(), prev, out=self.weight_grads[i])
            torch.sum(delta, 0, out=self.bias_grads[i])
            if i > 0:
                below = self.deltas[i - 1][:m]
                torch.mm(delta, self.weights[i], out=below)
                hidden_derivative_(self.activation, prev, below, self.scratch[i - 1][:m])
                delta = below
        self._update(m)

    def _update(self, m: int) -> None:
        cfg = self.config
        decay = cfg.l2 / self.train_size
        if self.adam is None:
            if decay:
                self.all_weights.mul_(1.0 - cfg.lr * decay)
            self.params.add_(self.grads, alpha=-cfg.lr / m)
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
