"""A layer's weights images over training: an animation (APNG, one frame per kept epoch) and the
same frames side by side as a still figure."""

from __future__ import annotations

import io
import math

import numpy as np
from matplotlib.figure import Figure
from PIL import Image, ImageDraw, ImageFont

from ..inspect.timelapse import WeightsHistory
from . import palette
from .style import DIVERGING, TileSheet, symmetric_norm

MAX_NEURONS = 32  # wider layers show their first 32 neurons
MAX_FRAMES = 24
FRAME_MS, LAST_FRAME_MS = 400, 2500
STILL_ROWS = 6


def _caption(history: WeightsHistory, k: int) -> str:
    accuracy = history.test_accuracy[k]
    shown = "untrained" if history.epochs[k] == 0 else f"epoch {history.epochs[k]}"
    return shown + (f" · test accuracy {100 * accuracy:.1f}%" if accuracy is not None else "")


def animation_frames(epochs: list[int], most: int = MAX_FRAMES) -> list[int]:
    """Which kept epochs the animation shows: all of them, or ``most`` spaced evenly in log(epoch + 1),
    since the weights change fastest at the start; the last one always."""
    if len(epochs) <= most:
        return list(range(len(epochs)))
    picks = np.unique(np.round(np.geomspace(1, len(epochs), most)).astype(int) - 1)
    return sorted({0, *picks.tolist(), len(epochs) - 1})


def timelapse_apng(history: WeightsHistory, tile: int = 56, gap: int = 5) -> bytes:
    """One frame per kept epoch (at most ``MAX_FRAMES``): every neuron's weights image (each frame on
    its own palette reach, so the pattern forming shows at every scale), the epoch and test accuracy
    on top; loops forever. Frames are drawn in the palette's own 256 colors, one byte a pixel."""
    picks = animation_frames(history.epochs)
    images = history.images[picks, :MAX_NEURONS]
    n, (h, w) = images.shape[1], images.shape[2:]
    columns = min(n, 8)
    rows = math.ceil(n / columns)
    header, side = 30, (tile, round(tile * h / w))
    width, height = columns * (tile + gap) + gap, header + rows * (side[1] + gap) + gap
    font = ImageFont.load_default(size=15)
    colors = palette.table()
    background = int(np.argmin(np.abs(colors.astype(int) - 255).sum(1)))  # the palette's whitest entry
    frames = []
    for k, frame in zip(picks, images):
        canvas = Image.new("P", (width, height), background)
        canvas.putpalette(colors.reshape(-1).tolist())
        for i, indices in enumerate(palette.indices(frame, palette.reach(frame)).astype(np.uint8)):
            r, c = divmod(i, columns)
            picture = Image.fromarray(indices, mode="L").resize(side, Image.NEAREST)
            canvas.paste(picture, (gap + c * (tile + gap), header + r * (side[1] + gap)))
        ImageDraw.Draw(canvas).text((gap, 7), f"{history.layer} · {_caption(history, k)}",
                                    fill=len(colors) - 1, font=font)  # the darkest blue
        frames.append(canvas)
    out = io.BytesIO()
    durations = [FRAME_MS] * (len(frames) - 1) + [LAST_FRAME_MS]
    frames[0].save(out, format="PNG", save_all=True, append_images=frames[1:], duration=durations, loop=0,
                   optimize=True)
    return out.getvalue()


def plot_timelapse(history: WeightsHistory) -> Figure:
    """A few epochs from first to last (most of them early, where the weights change fastest), one row
    each: every neuron's weights image then."""
    picks = animation_frames(history.epochs, STILL_ROWS)
    images = history.images[:, :16]
    n, size, gap, label = images.shape[1], 0.55, 0.06, 1.1
    sheet = TileSheet(label + n * (size + gap) + 0.1, 0.55 + len(picks) * (size + gap) + 0.1)
    for row, k in enumerate(picks):
        y = 0.55 + row * (size + gap)
        norm, _ = symmetric_norm(images[k])
        sheet.text(label - 0.1, y + size / 2, _caption(history, k).replace(" · test accuracy", "\n"), fontsize=8,
                   ha="right", va="center")
        for i in range(n):
            sheet.image(images[k, i], label + i * (size + gap), y, size, cmap=DIVERGING, norm=norm)
    what = "projected to pixels" if history.projected else "incoming weights"
    sheet.title(f"How the {history.layer} weights images formed ({what}; each row on its own color scale)", 11)
    return sheet.figure
