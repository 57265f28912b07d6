"""The wheel is the product: built from this tree, installed into a fresh virtual environment (the CPU
torch first), it answers, trains and serves the lab with its pages, scripts and palette."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(*command, **options):
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=900, **options)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wheel")
    # the sdist first, then the wheel built from that sdist: both carry everything the package needs
    _run(sys.executable, "-m", "build", "--outdir", str(folder / "dist"), str(ROOT))
    assert next((folder / "dist").glob("neuronscope-*.tar.gz")).stat().st_size > 50_000
    wheel = next((folder / "dist").glob("neuronscope-*.whl"))
    _run(sys.executable, "-m", "venv", str(folder / "venv"))
    python = folder / "venv" / "bin" / "python"
    venv_pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
    _run(*venv_pip, "install", "torch==2.13.0")
    _run(*venv_pip, "install", str(wheel))
    return folder / "venv" / "bin" / "neuronscope", folder


def test_the_installed_wheel_answers_and_trains(installed):
    neuronscope, folder = installed
    environment = {**os.environ, "HOME": str(folder)}
    assert _run(str(neuronscope), "--version", env=environment).stdout.startswith("neuronscope ")
    assert "go" in _run(str(neuronscope), "basics", "festival", env=environment).stdout
    _run(str(neuronscope), "train", "--dataset", "digits", "--epochs", "1", "--out", str(folder / "runs" / "digits"),
         "--quiet", env=environment, cwd=folder)
    assert (folder / "runs" / "digits" / "report.html").stat().st_size > 10_000
    _run(str(neuronscope), "export", str(folder / "runs" / "digits"), "--out", str(folder / "lab.html"),
         env=environment, cwd=folder)
    assert 'id="neuronscope-bundle"' in (folder / "lab.html").read_text()


def test_the_installed_wheel_serves_the_lab_with_its_files(installed):
    neuronscope, folder = installed
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(neuronscope), "serve", str(folder / "runs" / "digits"), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "HOME": str(folder)})
    try:
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
        while True:
            try:
                assert httpx.get(f"{base}/api/runs").json()[0]["name"] == "digits"
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        for path in ("/", "/vision", "/text", "/basics", "/static/lab.js", "/static/plotting.js", "/palette.js"):
            answer = httpx.get(base + path)
            assert answer.status_code == 200 and len(answer.content) > 500, path
    finally:
        server.terminate()
        server.wait(timeout=20)
    shutil.rmtree(folder / "runs", ignore_errors=True)
