import os
from pathlib import Path

import numpy as np
import pytest
import torch

from neuronscope.data import load_dataset
from neuronscope.models import MLP, MLPConfig
from neuronscope.runs import train_run
from neuronscope.train import build_configs

SHARED_DATA = Path(os.environ.get("NEURONSCOPE_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
MNIST_DIR = SHARED_DATA / "mnist"

# Test workers run side by side on few cores; several intra-op threads each would fight for them.
torch.set_num_threads(1)
os.environ["OMP_NUM_THREADS"] = "1"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not MNIST_DIR.is_dir():
        pytest.fail(f"the shared MNIST files are missing from {MNIST_DIR}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def mnist_small(shared_data):
    """600 real MNIST training images and 300 official test images."""
    return load_dataset("mnist", shared_data, train_size=600, test_size=300, progress=False)


@pytest.fixture(scope="session")
def digits():
    return load_dataset("digits")


@pytest.fixture
def tiny_model() -> MLP:
    return MLP(MLPConfig((16, 5, 4, 3), "sigmoid", "sigmoid", (4, 4))).reset_parameters("scaled", seed=3)


@pytest.fixture(scope="session")
def digits_run(tmp_path_factory, digits):
    """A 64-20-10 network trained for a few epochs on the 8x8 digits."""
    model_config, training = build_configs(input_size=64, num_classes=10, image_shape=(8, 8), preset="modern",
                                           layers=[64, 20, 10], epochs=8, batch_size=32, lr=3e-3)
    return train_run(tmp_path_factory.mktemp("runs") / "digits", digits, model_config, training, progress=False)


def numpy_sigmoid_net(x: np.ndarray, weights: list[np.ndarray], biases: list[np.ndarray]) -> np.ndarray:
    for w, b in zip(weights, biases):
        x = 1 / (1 + np.exp(-(x @ w.T + b.reshape(-1))))
    return x
