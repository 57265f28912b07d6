"""Sparse autoencoders: a dictionary of feature directions learned from a layer's activations, each
input explained by a few of them (Bricken et al., "Towards Monosemanticity", 2023).

Two kinds of sparsity: ``topk`` keeps each input's k largest feature activations (Gao et al., 2024:
L0 is exactly k, no penalty to tune), ``l1`` penalizes the sum of activations weighted by their
decoder norms. Features that stop firing ("dead") are brought back by an auxiliary loss that asks
the dead ones to explain what the live ones miss (Gao et al.'s AuxK), in both kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ..errors import CheckpointError, ConfigError
from ..feature_configs import SAEConfig
from ..runs.weights import load_tensors, save_tensors

DEAD_AFTER = 20_000  # inputs in a row without firing before a feature counts as dead while training
AUX_WEIGHT = 1 / 32


class SparseAutoencoder(nn.Module):
    """x -> f = sparse(W_enc (x - b_dec) + b_enc) -> x_hat = W_dec f + b_dec, with unit-norm
    decoder directions, so a feature's activation is its share of the input along its direction."""

    def __init__(self, width: int, config: SAEConfig):
        super().__init__()
        self.config = config
        generator = torch.Generator().manual_seed(config.seed)
        directions = torch.randn(config.features, width, generator=generator)
        directions /= directions.norm(dim=1, keepdim=True)
        self.decoder = nn.Parameter(directions)  # (features, width): one direction per row
        self.encoder = nn.Parameter(directions.T.clone())  # (width, features)
        self.encoder_bias = nn.Parameter(torch.zeros(config.features))
        self.decoder_bias = nn.Parameter(torch.zeros(width))

    @property
    def width(self) -> int:
        return self.decoder.shape[1]

    def pre_activations(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.decoder_bias) @ self.encoder + self.encoder_bias

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(n, width) activations -> (n, features) feature activations, mostly zeros."""
        return self._sparse(self.pre_activations(x))

    def _sparse(self, pre: torch.Tensor) -> torch.Tensor:
        if self.config.sparsity == "topk":
            values, indices = pre.topk(self.config.k, dim=1, sorted=False)
            return torch.zeros_like(pre).scatter_(1, indices, torch.relu(values))
        return torch.relu(pre)

    def decode(self, features: torch.Tensor) -> torch.Tensor:
        return features @ self.decoder + self.decoder_bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))

    @torch.no_grad()
    def normalize_decoder(self) -> None:
        self.decoder /= self.decoder.norm(dim=1, keepdim=True).clamp_min(1e-8)


@dataclass(frozen=True)
class SAEQuality:
    """variance_explained: 1 - residual variance / activation variance; l0: mean active features per input;
    dead: features that never fire on these inputs."""

    variance_explained: float
    l0: float
    dead: int
    features: int

    def to_json(self) -> dict:
        return {"variance_explained": self.variance_explained, "l0": self.l0, "dead": self.dead,
                "features": self.features}


def _as_tensor(activations) -> torch.Tensor:
    x = torch.as_tensor(np.asarray(activations) if not isinstance(activations, torch.Tensor) else activations)
    if x.ndim != 2 or len(x) < 2 or x.shape[1] < 1:
        raise ConfigError(f"activations must be (inputs, units) with at least 2 inputs, got {tuple(x.shape)}")
    x = x.detach().float().cpu()
    if not torch.isfinite(x).all():
        raise ConfigError("the activations hold NaN or infinite values")
    return x


def train_sae(activations, config: SAEConfig = SAEConfig(), *, progress: bool = True) -> SparseAutoencoder:
    """Train a sparse autoencoder on ``activations`` (inputs, units). The loss is the squared error over
    the activations' variance (so 0.1 means 90% explained), plus the sparsity penalty and the dead
    features' auxiliary loss."""
    x = _as_tensor(activations)
    sae = SparseAutoencoder(x.shape[1], config)
    with torch.no_grad():
        sae.decoder_bias.copy_(x.median(dim=0).values)  # a robust center: most of an activation's mass
    variance = (x - x.mean(0)).pow(2).sum(1).mean().clamp_min(1e-12)
    optimizer = torch.optim.Adam(sae.parameters(), lr=config.lr)
    generator = torch.Generator().manual_seed(config.seed)
    since_fired = torch.zeros(config.features)
    aux_k = min(2 * (config.k if config.sparsity == "topk" else 16), config.features)
    bar = tqdm(range(config.epochs), desc="sparse autoencoder", unit="epoch", disable=not progress, leave=False)
    for _ in bar:
        total = 0.0
        for batch in x[torch.randperm(len(x), generator=generator)].split(config.batch_size):
            pre = sae.pre_activations(batch)
            features = sae._sparse(pre)
            error = batch - sae.decode(features)
            loss = error.pow(2).sum(1).mean() / variance
            if config.sparsity == "l1":
                loss = loss + config.l1 * (features * sae.decoder.norm(dim=1)).sum(1).mean() / variance.sqrt()
            since_fired += len(batch)
            since_fired[(features > 0).any(0)] = 0
            dead = since_fired > DEAD_AFTER
            if dead.any():
                loss = loss + AUX_WEIGHT * _auxiliary_loss(sae, pre, dead, error, min(aux_k, int(dead.sum())))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            sae.normalize_decoder()
            total += float(loss.detach()) * len(batch)
        bar.set_postfix(loss=f"{total / len(x):.4f}")
    return sae.eval()


def _auxiliary_loss(sae: SparseAutoencoder, pre: torch.Tensor, dead: torch.Tensor, error: torch.Tensor,
                    k: int) -> torch.Tensor:
    """How well the ``k`` most active dead features explain the live ones' residual: its gradient
    pulls dead features toward what is still unexplained."""
    masked = pre.masked_fill(~dead, float("-inf"))
    values, indices = masked.topk(k, dim=1)
    sparse = torch.zeros_like(pre).scatter_(1, indices, torch.relu(values))
    guess = sparse @ sae.decoder
    target = error.detach()
    return (target - guess).pow(2).sum(1).mean() / target.pow(2).sum(1).mean().clamp_min(1e-12)


@torch.no_grad()
def sae_quality(sae: SparseAutoencoder, activations, batch: int = 4096) -> SAEQuality:
    x = _as_tensor(activations)
    residual, active, fired = 0.0, 0.0, torch.zeros(sae.config.features, dtype=torch.bool)
    for chunk in x.split(batch):
        features = sae.encode(chunk)
        residual += float((chunk - sae.decode(features)).pow(2).sum())
        active += float((features > 0).sum())
        fired |= (features > 0).any(0)
    total = float((x - x.mean(0)).pow(2).sum())
    return SAEQuality(1 - residual / max(total, 1e-12), active / len(x), int((~fired).sum()), sae.config.features)


@torch.no_grad()
def encode_all(sae: SparseAutoencoder, activations, batch: int = 4096) -> np.ndarray:
    """(inputs, features) feature activations."""
    x = _as_tensor(activations)
    return torch.cat([sae.encode(chunk) for chunk in x.split(batch)]).numpy()


def save_sae(path: str | Path, sae: SparseAutoencoder, metadata: dict) -> None:
    """Write the dictionary as safetensors (atomically), its configuration and ``metadata`` in the header."""
    save_tensors(path, sae.state_dict(), {**metadata, "sae": sae.config.to_json()})


def load_sae(path: str | Path) -> tuple[SparseAutoencoder, dict]:
    """A dictionary written by :func:`save_sae`, and the metadata saved with it."""
    tensors, meta = load_tensors(path)
    try:
        config = SAEConfig.from_json(meta["sae"])
        sae = SparseAutoencoder(int(tensors["decoder"].shape[1]), config)
        sae.load_state_dict(tensors)
    except (KeyError, TypeError, ValueError, RuntimeError, ConfigError) as e:
        raise CheckpointError(f"{path}: not a sparse autoencoder ({str(e).splitlines()[0]})") from None
    return sae.eval(), meta
