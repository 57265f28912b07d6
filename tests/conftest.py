import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import torch

from neuronscope.data import load_dataset
from neuronscope.data.text import Corpus, Vocabulary
from neuronscope.models import MLP, CharRNNConfig, MLPConfig
from neuronscope.runs import train_run
from neuronscope.training import build_configs
from neuronscope.training.char_loop import CharTrainConfig

SHARED_DATA = Path(os.environ.get("NEURONSCOPE_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
MNIST_DIR = SHARED_DATA / "mnist"
# CI sets this: there a missing data folder or browser is a failure, never a quiet skip
REQUIRE_DATA = os.environ.get("NEURONSCOPE_REQUIRE_DATA") == "1"

# Test workers run side by side on few cores; several intra-op threads each would fight for them.
torch.set_num_threads(1)
os.environ["OMP_NUM_THREADS"] = "1"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not MNIST_DIR.is_dir():
        message = (f"needs the MNIST files in {MNIST_DIR}: set NEURONSCOPE_DATA to a folder holding mnist/*.gz "
                   f"(and text/, cifar10/) as the README says")
        if REQUIRE_DATA:
            pytest.fail(message)
        pytest.skip(message)
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


def sheet_tiles(figure) -> list[np.ndarray]:
    """The (h, w, 4) colors of every tile a tile-sheet figure shows, in the order they were placed."""
    from neuronscope.plot.mosaic import Mosaic

    return next(a for a in figure.axes[0].artists if isinstance(a, Mosaic)).tiles


def numpy_sigmoid_net(x: np.ndarray, weights: list[np.ndarray], biases: list[np.ndarray]) -> np.ndarray:
    for w, b in zip(weights, biases):
        x = 1 / (1 + np.exp(-(x @ w.T + b.reshape(-1))))
    return x


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def file_server():
    """Serve a folder over HTTP on 127.0.0.1; yields a function folder -> base URL."""
    servers = []

    def serve(folder: Path) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def quote_text(n: int, seed: int) -> str:
    """Random letters where a quote state is the only thing worth remembering: a-h outside quotes,
    i-p inside them; each character opens or closes a quote with probability 0.08."""
    rng = np.random.default_rng(seed)
    out, inside = [], False
    for _ in range(n):
        if rng.random() < 0.08:
            out.append('"')
            inside = not inside
        else:
            out.append(chr(ord("i" if inside else "a") + int(rng.integers(8))))
    return "".join(out)


QUOTE_TRAINING = CharTrainConfig(seq_len=50, batch_size=32, lr=0.01, epochs=4, eval_every=20)


@pytest.fixture(scope="session")
def quote_run(tmp_path_factory):
    """A 1x16 LSTM trained on 30,000 characters of quote text, in a runs folder of its own."""
    text = quote_text(30_000, seed=0)
    config = CharRNNConfig(Vocabulary.of(text).chars, hidden=16, layers=1, embedding=8)
    path = tmp_path_factory.mktemp("text-runs") / "quotes"
    return train_run(path, Corpus("quotes", text), config, QUOTE_TRAINING, progress=False)
