"""Exceptions with one-line messages that name the bad value and what was expected.

The command line prints these without a traceback; anything else is a bug.
"""


class NeuronscopeError(Exception):
    """Base class for every error neuronscope reports to the user."""


class DataError(NeuronscopeError):
    """A dataset file is missing, truncated, corrupt or of the wrong shape."""


class DownloadError(DataError):
    """A dataset could not be downloaded or failed its checksum."""


class CheckpointError(NeuronscopeError):
    """A run directory or weights file cannot be trusted or does not fit the model."""


class ConfigError(NeuronscopeError):
    """A hyperparameter or model description is out of range or inconsistent."""


class TrainingDiverged(NeuronscopeError):
    """Training produced NaN or infinite parameters."""
