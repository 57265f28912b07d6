import math

import numpy as np
import pytest
import torch

from neuronscope.errors import CheckpointError, ConfigError
from neuronscope.feature_configs import SAEConfig, ToyConfig
from neuronscope.inspect.polysemanticity import class_mix
from neuronscope.inspect.sae import (
    SparseAutoencoder,
    _auxiliary_loss,
    encode_all,
    load_sae,
    sae_quality,
    save_sae,
    train_sae,
)
from neuronscope.inspect.toy_superposition import train_toy_model


def known_sparse_activations(n=12_000, width=32, features=64, active=3, seed=0):
    """Activations made of known sparse features: each input the sum of ``active`` random unit directions
    (out of ``features``) with random positive strengths."""
    rng = np.random.default_rng(seed)
    directions = rng.normal(size=(features, width))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    chosen = np.stack([rng.choice(features, active, replace=False) for _ in range(n)])
    strengths = rng.uniform(0.5, 2.0, size=(n, active))
    x = np.einsum("na,naw->nw", strengths, directions[chosen])
    return x.astype(np.float32), directions


@pytest.mark.parametrize("sparsity", ["topk", "l1"])
def test_the_dictionary_recovers_known_sparse_features(sparsity):
    x, truth = known_sparse_activations()
    config = SAEConfig(features=128, sparsity=sparsity, k=4, l1=0.3, epochs=12, batch_size=256, lr=3e-3)
    sae = train_sae(x, config, progress=False)
    learned = sae.decoder.detach().numpy()
    best = (truth @ learned.T).max(1)  # each true feature's closest dictionary direction (both unit length)
    assert best.mean() >= 0.9, best.mean()
    quality = sae_quality(sae, x[:2000])
    assert quality.variance_explained > (0.9 if sparsity == "topk" else 0.75)  # L1 shrinks what it keeps
    if sparsity == "topk":
        assert quality.l0 <= 4


def test_the_auxiliary_loss_moves_only_dead_features_toward_what_the_live_ones_miss():
    x, _ = known_sparse_activations(n=512)
    sae = SparseAutoencoder(x.shape[1], SAEConfig(features=64, k=4))
    batch = torch.as_tensor(x)
    pre = sae.pre_activations(batch)
    reconstruction = sae.decode(sae._sparse(pre))
    dead = torch.zeros(64, dtype=torch.bool)
    dead[40:] = True
    _auxiliary_loss(sae, pre, dead, batch - reconstruction, k=8).backward()
    moved = sae.encoder.grad.abs().sum(0) > 0
    assert moved[40:].any() and not moved[:40].any()


def test_a_saved_dictionary_loads_identically_and_a_tampered_one_is_refused(tmp_path):
    x, _ = known_sparse_activations(n=2000)
    sae = train_sae(x, SAEConfig(features=48, k=3, epochs=2), progress=False)
    path = tmp_path / "d.safetensors"
    save_sae(path, sae, {"layer": "hidden1"})
    loaded, meta = load_sae(path)
    assert meta["layer"] == "hidden1" and loaded.config == sae.config
    assert np.array_equal(encode_all(loaded, x[:100]), encode_all(sae, x[:100]))
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="modified after saving"):
        load_sae(path)


def test_class_mix_counts_only_examples_the_unit_fires_on():
    labels = np.repeat(np.arange(4), 25)  # 100 examples, 25 per class
    acts = np.zeros((100, 3))
    acts[labels == 2, 0] = np.linspace(1, 2, 25)  # unit 0: class 2 only
    acts[:, 1] = np.arange(100) % 4 + 1.0 * (labels == 0)  # unit 1: a bit of everything
    acts[:5, 2] = 1.0  # unit 2: fires on 5 examples only
    mix = class_mix(acts, labels, 4, top=50)
    assert mix.classes_needed[0] == 1 and mix.counts[0].tolist() == [0, 0, 25, 0]  # 25 zeros were not counted
    assert mix.classes_needed[1] >= 3
    assert mix.silent.tolist() == [False, False, True]
    assert mix.ranked()[0] == 0 and 2 not in mix.ranked()
    assert mix.top[0, 0] == np.flatnonzero(labels == 2)[-1]  # strongest first


def test_the_toy_model_packs_more_features_than_dimensions_only_when_they_are_sparse():
    dense = train_toy_model(ToyConfig(features=5, dimensions=2, sparsity=0.0))
    sparse = train_toy_model(ToyConfig(features=5, dimensions=2, sparsity=0.99))
    assert dense.represented == 2
    assert sparse.represented == 5
    assert sparse.interference.mean() > 0.5 > dense.interference[dense.norms > 0.5].mean()
    # the represented dense features are the two most important, each with a dimension of its own
    assert set(np.argsort(-dense.norms)[:2]) == {0, 1}
    assert dense.gram[0, 1] == pytest.approx(0, abs=0.1)


def test_the_toy_model_keeps_the_best_of_its_starts():
    one = train_toy_model(ToyConfig(sparsity=0.9, starts=1, seed=3))
    several = train_toy_model(ToyConfig(sparsity=0.9, starts=6, seed=3))
    assert several.loss <= one.loss * 1.05


@pytest.mark.parametrize("make, message", [
    (lambda: SAEConfig(features=0), "features"),
    (lambda: SAEConfig(features=8, k=9), "cannot exceed"),
    (lambda: SAEConfig(l1=math.nan), "l1"),
    (lambda: ToyConfig(sparsity=math.nan), "sparsity"),
    (lambda: ToyConfig(sparsity=1.0), "sparsity"),
    (lambda: ToyConfig(features=3, dimensions=4), "must not outnumber"),
    (lambda: train_sae(np.full((10, 4), np.nan), SAEConfig(features=8, k=2), progress=False), "NaN"),
    (lambda: train_sae(np.zeros(10), SAEConfig(features=8, k=2), progress=False), "(inputs, units)"),
    (lambda: class_mix(np.zeros((5, 2)), np.zeros(4, dtype=int), 2), "must match"),
])
def test_bad_settings_are_one_line_errors(make, message):
    with pytest.raises(ConfigError, match=None) as caught:
        make()
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_training_is_deterministic_for_a_seed():
    torch.manual_seed(123)  # the global generator must not matter
    x, _ = known_sparse_activations(n=3000)
    a = train_sae(x, SAEConfig(features=32, k=3, epochs=2, seed=5), progress=False)
    torch.manual_seed(7)
    b = train_sae(x, SAEConfig(features=32, k=3, epochs=2, seed=5), progress=False)
    assert torch.equal(a.decoder, b.decoder)
