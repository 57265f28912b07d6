"""Gradient descent on a model with two free weights, where the whole loss surface can be drawn.

The model is a line, ``y ≈ w·x + b``, fitted by mean squared error. Its loss surface is a bowl
whose curvature fixes the largest learning rate that still converges: 2 / (largest eigenvalue of
the Hessian). Below it steps shrink toward the minimum; above it every step overshoots further.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError

MAX_DESCENT_STEPS = 1000
DIVERGED_LOSS = 1e6
VIEWED_STEPS = 12


@dataclass(frozen=True)
class LineData:
    """``x`` (n,) and ``y`` (n,) float64."""

    x: np.ndarray
    y: np.ndarray


def line_data(n: int = 40, slope: float = 1.5, intercept: float = 0.5, noise: float = 0.3, seed: int = 0) -> LineData:
    """Points scattered around a line; x in [0, 3] (not centred, so the bowl is a long narrow valley)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 3, n)
    return LineData(x, slope * x + intercept + rng.normal(0, noise, n))


def mse(data: LineData, w, b) -> np.ndarray:
    """Mean squared error of the line (w, b); w and b may be arrays of the same shape (a grid)."""
    w, b = np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)
    residual = w[..., None] * data.x + b[..., None] - data.y
    return np.mean(residual ** 2, axis=-1)


def mse_gradient(data: LineData, w: float, b: float) -> np.ndarray:
    residual = w * data.x + b - data.y
    return np.array([2 * np.mean(residual * data.x), 2 * np.mean(residual)])


def best_fit(data: LineData) -> np.ndarray:
    """(w, b) at the bottom of the bowl, by least squares."""
    design = np.column_stack([data.x, np.ones_like(data.x)])
    return np.linalg.lstsq(design, data.y, rcond=None)[0]


def critical_learning_rate(data: LineData) -> float:
    """Gradient descent converges from every start exactly when lr < this value."""
    hessian = 2 * np.array([[np.mean(data.x ** 2), np.mean(data.x)], [np.mean(data.x), 1.0]])
    return float(2 / np.linalg.eigvalsh(hessian).max())


@dataclass(frozen=True)
class DescentPath:
    lr: float
    points: np.ndarray  # (k, 2) (w, b) after 0..k-1 steps
    losses: np.ndarray  # (k,)
    diverged: bool


def descent_path(data: LineData, lr: float, steps: int = 50, start=(-1.0, 3.0)) -> DescentPath:
    """Follow the gradient from ``start``; stops early once the loss passes 1e6 (diverged)."""
    if not (np.isfinite(lr) and 0 < lr <= 10):
        raise ConfigError(f"learning rate must be in (0, 10], got {lr}")
    if not 1 <= steps <= MAX_DESCENT_STEPS:
        raise ConfigError(f"steps must be 1..{MAX_DESCENT_STEPS}, got {steps}")
    point = np.asarray(start, dtype=np.float64)
    if point.shape != (2,) or not np.isfinite(point).all():
        raise ConfigError(f"start is two finite numbers (w, b), got {start}")
    points, losses = [point], [float(mse(data, *point))]
    for _ in range(steps):
        point = point - lr * mse_gradient(data, *point)
        points.append(point)
        losses.append(float(mse(data, *point)))
        if losses[-1] > DIVERGED_LOSS:
            break
    return DescentPath(float(lr), np.array(points), np.array(losses), losses[-1] > losses[0])


def learning_rate_trio(data: LineData) -> tuple[float, float, float]:
    """A too small, a good and a too large learning rate for this data: 3%, 70% and 110% of the critical one."""
    critical = critical_learning_rate(data)
    return 0.03 * critical, 0.7 * critical, 1.1 * critical


def view_bounds(path: DescentPath, best: np.ndarray) -> tuple[float, float, float, float]:
    """A square of (w, b) around the minimum, wide enough for the path's first steps (a diverging
    path's view zooms out just enough to show its first overshoots)."""
    reach = 1.15 * max(float(np.abs(path.points[:VIEWED_STEPS] - best).max()), 1e-3)
    return best[0] - reach, best[0] + reach, best[1] - reach, best[1] + reach


def surface_grid(data: LineData, bounds: tuple[float, float, float, float], resolution: int = 120) -> np.ndarray:
    """(resolution, resolution) loss over w in bounds[0:2] (columns) and b in bounds[2:4] (rows, bottom up)."""
    w = np.linspace(bounds[0], bounds[1], resolution)
    b = np.linspace(bounds[2], bounds[3], resolution)
    ww, bb = np.meshgrid(w, b)
    return mse(data, ww, bb)
