import pytest
import torch

from neuronscope.errors import ConfigError
from neuronscope.models import MLP, MLPConfig
from neuronscope.training import TrainConfig, train
from neuronscope.training.packed import PackedNetworks, train_packed


def _networks(sizes, activation, output, config):
    return [MLP(MLPConfig((64, h, 10), activation, output, (8, 8)))
            for h in sizes]


@pytest.mark.parametrize("activation, output, config, tolerance", [
    ("relu", "softmax", TrainConfig(loss="cross-entropy", init="scaled", optimizer="adam", lr=3e-3, batch_size=32,
                                    epochs=3, l2=5.0, seed=2), 1e-5),
    ("sigmoid", "sigmoid", TrainConfig(lr=0.5, epochs=2, seed=1), 1e-4),
])
def test_packed_training_gives_each_network_its_own_training(digits, activation, output, config, tolerance):
    sizes = [1, 3, 12]
    alone = _networks(sizes, activation, output, config)
    histories_alone = [train(m, digits, config, progress=False) for m in alone]
    together = _networks(sizes, activation, output, config)
    histories_together = train_packed(together, digits, config, progress=False)
    for a, b, ha, hb in zip(alone, together, histories_alone, histories_together):
        for p, q in zip(a.parameters(), b.parameters()):
            torch.testing.assert_close(p.detach(), q.detach(), atol=tolerance, rtol=0)
        assert [h["test_accuracy"] for h in ha] == pytest.approx([h["test_accuracy"] for h in hb], abs=2e-3)
        assert len(hb) == config.epochs


def test_packing_places_each_network_in_its_own_block():
    models = _networks([2, 3], "sigmoid", "sigmoid", TrainConfig(seed=5))
    packed = PackedNetworks.pack(models)
    assert packed.union.config.layers == (64, 5, 20)
    hidden = packed.union.layers[1].weight
    assert torch.equal(hidden[:10, :2], models[0].layers[1].weight)
    assert torch.equal(hidden[10:, 2:], models[1].layers[1].weight)
    assert torch.count_nonzero(hidden[:10, 2:]) == 0 and torch.count_nonzero(packed.masks[1][10:, :2]) == 0
    x = torch.rand(7, 64)
    torch.testing.assert_close(packed.union(x), torch.cat([m(x) for m in models], 1))


def test_networks_that_cannot_share_a_pack_are_refused(digits):
    sigmoid = MLP(MLPConfig((64, 4, 10), "sigmoid", "sigmoid", (8, 8)))
    relu = MLP(MLPConfig((64, 4, 10), "relu", "sigmoid", (8, 8)))
    with pytest.raises(ConfigError, match="need the same inputs, depth, classes, activation"):
        PackedNetworks.pack([sigmoid, relu])
    linear = MLP(MLPConfig((64, 10), "sigmoid", "linear", (8, 8)))
    with pytest.raises(ConfigError, match="hinge cost"):
        train_packed([linear], digits, TrainConfig(loss="hinge"), progress=False)
