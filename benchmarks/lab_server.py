"""The lab in its own process on a free local port, for the benchmarks that measure it from outside."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


@contextmanager
def serving(run: Path, timeout: float = 30.0) -> Iterator[str]:
    """Start ``neuronscope serve RUN``; yield its base URL once it answers; stop it afterwards."""
    with serving_process(run, timeout) as (base, _):
        yield base


@contextmanager
def serving_process(run: Path, timeout: float = 30.0, source: Path | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """As :func:`serving`, also yielding the server's process (to read its memory, say); ``source``: a
    neuronscope source tree (its ``src`` folder) to serve from instead of the installed one."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(source)} if source else None
    server = subprocess.Popen([sys.executable, "-m", "neuronscope", "serve", str(run), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                httpx.get(f"{base}/api/runs").raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield base, server
    finally:
        server.terminate()
        server.wait()
