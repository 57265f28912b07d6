"""How long computations tell their caller where they are: ``on_step(done, total)`` after each step.
The lab's job queue shows it as a progress bar and stops a cancelled job by raising from it."""

from __future__ import annotations

from collections.abc import Callable

StepHook = Callable[[int, int], None]
