"""Run directories, the unit users keep: one :class:`Run` for every kind of model, :func:`open_run` to
open any of them, :func:`train_run` to train any of them (and continue it exactly), all written the
same atomic way. Names load on first use: reading a dense run for its figures never loads PyTorch."""

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .imported import import_weights
    from .kinds import DENSE_KINDS, IMAGE_KINDS, KINDS, PRETRAINED_KINDS, TEXT_KINDS, Kind, parameter_count
    from .layout import CONFIG, METRICS, MODEL, STATE
    from .run import Run, open_run, run_kind
    from .training import save_trained, train_run

__all__ = ["CONFIG", "DENSE_KINDS", "IMAGE_KINDS", "KINDS", "Kind", "METRICS", "MODEL", "PRETRAINED_KINDS", "Run",
           "STATE", "TEXT_KINDS", "import_weights", "open_run", "parameter_count", "run_kind", "save_trained",
           "train_run"]
__getattr__, __dir__ = lazy_exports(__name__, __file__)
