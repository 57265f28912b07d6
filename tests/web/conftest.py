import contextlib
import socket
import threading
import time

import pytest
import uvicorn
from fastapi.testclient import TestClient

from neuronscope.data import load_dataset
from neuronscope.runs import train_run
from neuronscope.training import build_configs
from neuronscope.web.app import create_app


@pytest.fixture(scope="session")
def runs_dir(tmp_path_factory, shared_data):
    """A folder with one 784-16-16-10 MNIST run and one 8x8 digits run."""
    root = tmp_path_factory.mktemp("lab-runs")
    mnist = load_dataset("mnist", shared_data, train_size=3000, test_size=500, progress=False)
    train_run(root / "mnist-3b1b", mnist, *build_configs(input_size=784, num_classes=10, image_shape=(28, 28),
                                                         preset="3b1b", epochs=3), progress=False)
    digits = load_dataset("digits")
    train_run(root / "digits", digits, *build_configs(input_size=64, num_classes=10, image_shape=(8, 8),
                                                      preset="modern", layers=[64, 12, 10], epochs=3),
              progress=False)
    (root / "not-a-run").mkdir()
    return root


@pytest.fixture(scope="session")
def client(runs_dir, shared_data):
    return TestClient(create_app(runs_dir, shared_data))


@contextlib.contextmanager
def _serving(app):
    """``app`` served by uvicorn on a free local port; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(runs_dir, shared_data):
    """The lab over the test runs, for the browser tests."""
    with _serving(create_app(runs_dir, shared_data)) as url:
        yield url


@pytest.fixture(scope="session")
def basics_server(tmp_path_factory):
    """The lab with no runs at all: the basics pages need none."""
    with _serving(create_app(tmp_path_factory.mktemp("no-runs"))) as url:
        yield url


@pytest.fixture(scope="session")
def basics_client(tmp_path_factory):
    return TestClient(create_app(tmp_path_factory.mktemp("no-runs")))


@pytest.fixture(scope="session")
def vision_runs_dir(tmp_path_factory, shared_data, runs_dir):
    """A small MNIST ConvNet beside a dense run (copied from ``runs_dir``)."""
    import shutil

    from neuronscope.models import ConvNetConfig
    from neuronscope.runs import train_run
    from neuronscope.training.module_loop import ModuleTrainConfig

    root = tmp_path_factory.mktemp("vision-runs")
    mnist = load_dataset("mnist", shared_data, train_size=3000, test_size=500, progress=False)
    train_run(root / "convnet", mnist, ConvNetConfig(channels=(8, 16), dense=32),
                     ModuleTrainConfig(epochs=2, lr=3e-3), progress=False)
    shutil.copytree(runs_dir / "digits", root / "digits")
    return root


@pytest.fixture(scope="session")
def vision_client(vision_runs_dir, shared_data):
    return TestClient(create_app(vision_runs_dir, shared_data))
