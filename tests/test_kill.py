"""kill -9 at any moment of training, the first save included: what is left either is no run at all (a
new `train` starts it) or a run that opens and resumes to exactly the weights of an uninterrupted one."""

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from neuronscope.cli import main
from neuronscope.runs import KINDS, open_run
from neuronscope.runs.writer import RunWriter

TRAIN = ["train", "--dataset", "digits", "--preset", "modern", "--layers", "64,32,10", "--epochs", "40",
         "--batch-size", "16", "--no-report", "--quiet"]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    path = tmp_path_factory.mktemp("kill") / "straight"
    assert main([*TRAIN, "--out", str(path)]) == 0
    return open_run(path)


@pytest.mark.parametrize("delay", np.random.default_rng(7).uniform(0.0, 3.0, 6).round(3).tolist() + [0.9, 1.05])
def test_kill_9_leaves_nothing_or_a_run_that_resumes_exactly(tmp_path, uninterrupted, delay):
    out = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-m", "neuronscope", *TRAIN, "--out", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    if not (out / "config.json").exists():  # killed before the run existed: a plain train starts it
        assert main([*TRAIN, "--out", str(out), "--overwrite"]) == 0
    else:
        json.loads((out / "config.json").read_text())  # never torn
        open_run(out)
        if open_run(out).epoch < 40:
            assert main([*TRAIN, "--out", str(out), "--resume"]) == 0
    final = open_run(out)
    assert final.epoch == 40
    for name, tensor in uninterrupted.model.state_dict().items():
        assert torch.equal(tensor, final.model.state_dict()[name]), name
    # a kill during the last save can leave that save's half-written temporary beside the complete run:
    # never in place of a file, and gone as soon as anything writes to the run again
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert all(name.endswith(".tmp") for name in leftovers), leftovers
    if leftovers:
        RunWriter(out, KINDS[final.kind])
        assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
