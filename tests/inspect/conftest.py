import pytest
import torch
from torch import nn

from neuronscope.data import load_dataset
from neuronscope.models.convnet import ConvNet, ConvNetConfig
from neuronscope.training.module_loop import ModuleTrainConfig, train_module


class _Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return torch.relu(x + self.conv2(torch.relu(self.bn1(self.conv1(x)))))


@pytest.fixture
def brought_model() -> nn.Module:
    """A torchvision-style residual network built here, with random weights (nothing downloaded):
    layers named like ``2.1.conv2``, color input (3, 16, 16), four classes."""
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
                         nn.Sequential(_Block(8), _Block(8)), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(8, 4)).eval()


@pytest.fixture(scope="session")
def quick_convnet(shared_data) -> ConvNet:
    """The default ConvNet after one epoch on 3,000 real digits (about 95%): enough to have features."""
    data = load_dataset("mnist", shared_data, train_size=3000, test_size=500, progress=False)
    torch.manual_seed(0)
    model = ConvNet(ConvNetConfig())
    train_module(model, data, ModuleTrainConfig(epochs=1, lr=2e-3), progress=False)
    return model.eval()
