import pytest
import torch
import torch.nn.functional as F

from neuronscope.choices import VALID_OUTPUTS
from neuronscope.models import MLP, MLPConfig
from neuronscope.training.backprop import BackpropTrainer
from neuronscope.training.config import TrainConfig
from neuronscope.training.costs import loss

PAIRS = [(cost, output) for cost, outputs in VALID_OUTPUTS.items() for output in outputs]


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
@pytest.mark.parametrize("cost, output", PAIRS)
def test_hand_written_gradients_equal_autograd(cost, output, activation):
    config = MLPConfig((16, 7, 5, 3), activation, output, (4, 4))
    model = MLP(config).reset_parameters("scaled", 1)
    reference = MLP(config)
    reference.load_state_dict(model.state_dict())
    x, labels = torch.rand(6, 16), torch.tensor([0, 1, 2, 2, 1, 0])
    (loss(reference(x), labels, cost, output) * len(x)).backward()
    expected = torch.cat([p.grad.flatten() for p in [layer.weight for layer in reference.layers]
                          + [layer.bias for layer in reference.layers]])

    trainer = BackpropTrainer(model, TrainConfig(loss=cost, lr=1.0), x, 6)
    before = trainer.params.clone()
    trainer.step(torch.arange(6), F.one_hot(labels, 3).float(), labels)
    applied = (before - trainer.params) * len(x)  # SGD moved params by lr/m * summed gradient
    assert torch.allclose(applied, expected, atol=2e-5)


def test_gradients_match_finite_differences():
    config = MLPConfig((4, 3, 2), "tanh", "sigmoid", (2, 2))
    model = MLP(config).reset_parameters("normal", 2).double()
    x, labels = torch.rand(3, 4, dtype=torch.float64), torch.tensor([0, 1, 1])
    model.zero_grad()
    loss(model(x), labels, "quadratic", "sigmoid").backward()
    weight = model.layers[0].weight
    eps = 1e-6
    with torch.no_grad():
        weight[1, 2] += eps
        up = loss(model(x), labels, "quadratic", "sigmoid")
        weight[1, 2] -= 2 * eps
        down = loss(model(x), labels, "quadratic", "sigmoid")
    assert weight.grad[1, 2].item() == pytest.approx(((up - down) / (2 * eps)).item(), abs=1e-8)


def _trainer(model, config, n):
    return BackpropTrainer(model, config, torch.rand(n, 16), max_batch=1)


def test_model_parameters_are_views_of_the_flat_buffer(tiny_model):
    trainer = _trainer(tiny_model, TrainConfig(), 10)
    trainer.params.zero_()
    assert all(float(p.detach().abs().sum()) == 0 for p in tiny_model.parameters())


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_l2_shrinks_weights_but_not_biases(tiny_model, optimizer):
    """One step with L2 lambda moves each weight by an extra -lr * lambda/n * w (for Adam, through its
    gradient); biases move exactly as without L2."""
    x, labels = torch.rand(4, 16), torch.tensor([0, 1, 2, 1])
    moved = []
    for l2 in (0.0, 1.0):
        model = MLP(tiny_model.config)
        model.load_state_dict(tiny_model.state_dict())
        trainer = BackpropTrainer(model, TrainConfig(l2=l2, lr=0.5, optimizer=optimizer), x, max_batch=4)
        trainer.step(torch.arange(4), F.one_hot(labels, 3).float(), labels)
        moved.append(model)
    plain, decayed = moved
    for a, b, before in zip(plain.layers, decayed.layers, tiny_model.layers):
        assert torch.equal(a.bias, b.bias)
        if optimizer == "sgd":
            torch.testing.assert_close(b.weight, a.weight - 0.5 * (1.0 / 4) * before.weight)
        else:
            assert not torch.allclose(a.weight, b.weight)
