"""Several dense networks trained at once, as one computation.

Networks that read the same input and share depth, activation, output and training settings, but
differ in layer sizes or initial weights, are placed side by side in one wider network: the
first layer's weight matrices are stacked, every later one is block-diagonal (a mask keeps the
blocks apart), and the output holds each network's classes in turn. Each network's gradient
touches only its own block, so every network follows exactly the updates it would get alone on
the same mini-batches, while the per-step overhead, which dominates small networks, is paid once.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..data import Dataset
from ..data.tensors import as_inputs
from ..errors import ConfigError
from ..models.mlp import MLP, MLPConfig
from .backprop import BackpropTrainer
from .config import TrainConfig
from .costs import loss as cost_loss
from .evaluation import EvaluationSet
from .loop import epoch_metrics, evaluation_sets, run_epochs


@dataclass
class PackedNetworks:
    """``union`` holds ``models`` side by side; ``masks[i]`` marks the entries of layer i that belong to a model."""

    models: list[MLP]
    union: MLP
    masks: list[torch.Tensor | None]

    @classmethod
    def pack(cls, models: list[MLP]) -> PackedNetworks:
        if not models:
            raise ConfigError("nothing to pack: no networks given")
        first = models[0].config
        for model in models[1:]:
            c = model.config
            if (len(c.layers), c.layers[0], c.layers[-1], c.activation, c.output, c.image_shape) != (
                    len(first.layers), first.layers[0], first.layers[-1], first.activation, first.output,
                    first.image_shape):
                raise ConfigError(f"networks trained together need the same inputs, depth, classes, activation and "
                                  f"output; {list(first.layers)} {first.activation} and {list(c.layers)} "
                                  f"{c.activation} differ")
        sizes = [first.layers[0]] + [sum(m.config.layers[i] for m in models) for i in range(1, len(first.layers))]
        union = MLP(MLPConfig(tuple(sizes), first.activation, first.output, first.image_shape))
        masks: list[torch.Tensor | None] = []
        with torch.no_grad():
            for i, layer in enumerate(union.layers):
                layer.weight.zero_()
                mask = torch.zeros_like(layer.weight) if i > 0 else None
                for block, (rows, cols) in zip(_blocks(models, i), _block_slices(models, i)):
                    layer.weight[rows, cols] = block.weight
                    layer.bias[rows] = block.bias
                    if mask is not None:
                        mask[rows, cols] = 1.0
                masks.append(mask)
        return cls(models, union.to(next(models[0].parameters()).device), masks)

    def unpack(self) -> None:
        """Copy each model's block of the union's weights back into the model."""
        with torch.no_grad():
            for i, layer in enumerate(self.union.layers):
                for block, (rows, cols) in zip(_blocks(self.models, i), _block_slices(self.models, i)):
                    block.weight.copy_(layer.weight[rows, cols])
                    block.bias.copy_(layer.bias[rows])

    def evaluate(self, images: EvaluationSet, cost: str) -> list[dict[str, float]]:
        """Each model's mean cost and accuracy, from one pass of the union."""
        classes, output = self.models[0].config.layers[-1], self.union.config.output
        losses, correct = torch.zeros(len(self.models)), torch.zeros(len(self.models))
        for scores, labels in images.scores(self.union):
            scores = scores.view(-1, len(self.models), classes)
            for k in range(len(self.models)):
                losses[k] += float(cost_loss(scores[:, k], labels, cost, output)) * len(labels)
            correct += (scores.argmax(2) == labels[:, None]).sum(0).cpu()
        n = max(len(images), 1)
        return [{"loss": float(losses[k]) / n, "accuracy": float(correct[k]) / n} for k in range(len(self.models))]


def _blocks(models: list[MLP], layer: int):
    return [m.layers[layer] for m in models]


def _block_slices(models: list[MLP], layer: int) -> list[tuple[slice, slice]]:
    """Where each model's weight matrix of ``layer`` sits in the union's: (rows, columns)."""
    slices, row, col = [], 0, 0
    for m in models:
        out_size, in_size = m.config.layers[layer + 1], m.config.layers[layer]
        slices.append((slice(row, row + out_size), slice(col, col + in_size) if layer > 0 else slice(None)))
        row, col = row + out_size, col + in_size
    return slices


def train_packed(models: list[MLP], data: Dataset, config: TrainConfig, *, progress: bool = True,
                 on_epoch=None) -> list[list[dict]]:
    """Train ``models`` together, in place, for ``config.epochs`` epochs, each from the weights
    ``config.init`` draws with ``config.seed`` (so each matches a network trained alone).

    Returns one history per model, entries as from :func:`neuronscope.training.train` (the
    ``seconds`` are those of the whole pack). ``on_epoch(epoch, metrics_per_model)`` runs after
    each epoch, once the models hold that epoch's weights.
    """
    if config.loss == "hinge":
        raise ConfigError("the hinge cost is for a single linear classifier; train such models one at a time")
    first = models[0].config if models else None
    if first and (first.layers[0] != data.input_size or first.layers[-1] != data.num_classes):
        raise ConfigError(f"model layers {list(first.layers)} do not fit {data.name}: "
                          f"{data.input_size} inputs, {data.num_classes} classes")
    for model in models:
        model.reset_parameters(config.init, config.seed)
    packed = PackedNetworks.pack(models)
    device = next(packed.union.parameters()).device
    x_all = as_inputs(data.train_images, device)
    y_all = torch.as_tensor(data.train_labels, device=device)
    trainer = BackpropTrainer(packed.union, config, x_all, min(config.batch_size, len(y_all)),
                              weight_masks=packed.masks, output_groups=len(models))
    targets = F.one_hot(y_all, data.num_classes).float().repeat(1, len(models))
    histories: list[list[dict]] = [[] for _ in models]
    train_set, test_set = evaluation_sets(data, device, packed.union.config.layers[1], config.epochs)

    def after_epoch(epoch: int, seconds: float) -> str:
        packed.unpack()
        train_metrics = packed.evaluate(train_set, config.loss)
        test_metrics = packed.evaluate(test_set, config.loss)
        for history, train, test in zip(histories, train_metrics, test_metrics):
            history.append(epoch_metrics(epoch, train, test, seconds))
        if on_epoch:
            on_epoch(epoch, [h[-1] for h in histories])
        return f"{max(m['accuracy'] for m in test_metrics):.4f} (best)"

    run_epochs(trainer, targets, y_all, config, first_epoch=1, generator=torch.Generator().manual_seed(config.seed),
               progress=progress, after_epoch=after_epoch)
    return histories
