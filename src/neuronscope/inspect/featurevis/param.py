"""How the optimized image is described. Pixels directly is the raw way; a Fourier spectrum scaled
down at high frequencies (and, for color, decorrelated channels) makes every step change the image
smoothly, so the optimizer finds patterns instead of pixel noise."""

from __future__ import annotations

import math

import torch
from torch import nn

from ...errors import ConfigError

PARAMS = ("pixel", "fourier")
# The square root of natural images' color correlation (Lucid's published ImageNet estimate):
# optimizing in this basis moves colors the way photographs vary.
COLOR_CORRELATION = torch.tensor([[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]])
MAX_PIXELS = 4096 * 4096


def _noise_start(shape, generator) -> torch.Tensor:
    """Uniform noise in (0.05, 0.95) as logits, so sigmoid(logits) starts as that noise."""
    return torch.logit(torch.rand(shape, generator=generator) * 0.9 + 0.05)


class PixelParam(nn.Module):
    """Every pixel its own parameter; images = sigmoid(logits), so pixels stay in (0, 1)."""

    def __init__(self, shape: tuple[int, int, int, int], generator: torch.Generator):
        super().__init__()
        self.logits = nn.Parameter(_noise_start(shape, generator))

    def forward(self) -> torch.Tensor:
        return torch.sigmoid(self.logits)

    @torch.no_grad()
    def blur_(self, sigma: float) -> None:
        """Smooth the image a little in place: a regularizer that removes the highest frequencies."""
        self.logits.copy_(gaussian_blur(self.logits, sigma))


class FourierParam(nn.Module):
    """The image's 2-D spectrum, each frequency scaled by 1/frequency^decay; for three channels the
    colors are mixed through ``COLOR_CORRELATION``."""

    def __init__(self, shape: tuple[int, int, int, int], generator: torch.Generator, decay: float = 1.0):
        super().__init__()
        batch, channels, height, width = shape
        fy = torch.fft.fftfreq(height)[:, None]
        fx = torch.fft.rfftfreq(width)[None, :]
        frequency = torch.sqrt(fx**2 + fy**2).clamp_min(1.0 / max(height, width))
        self.register_buffer("scale", (1.0 / frequency**decay) / math.sqrt(height * width))
        self.spectrum = nn.Parameter(torch.randn((batch, channels, height, width // 2 + 1, 2),
                                                 generator=generator) * 0.01 * math.sqrt(height * width))
        self.size = (height, width)
        self.color = channels == 3
        self.register_buffer("colors", COLOR_CORRELATION / COLOR_CORRELATION.norm(dim=0).max())

    def forward(self) -> torch.Tensor:
        spectrum = torch.view_as_complex(self.spectrum) * self.scale
        image = torch.fft.irfft2(spectrum, s=self.size, norm="ortho")
        if self.color:
            image = torch.einsum("bchw,dc->bdhw", image, self.colors)
        return torch.sigmoid(image)


def make_param(kind: str, shape: tuple[int, int, int, int], seed: int, decay: float = 1.0) -> nn.Module:
    """``shape`` (batch, channels, height, width)."""
    if kind not in PARAMS:
        raise ConfigError(f"unknown parameterization {kind!r}; choose one of {', '.join(PARAMS)}")
    if len(shape) != 4 or any(s < 1 for s in shape) or math.prod(shape) > MAX_PIXELS:
        raise ConfigError(f"image batch shape must be (batch, channels, height, width) with at most "
                          f"{MAX_PIXELS} values, got {tuple(shape)}")
    generator = torch.Generator().manual_seed(seed)
    return PixelParam(shape, generator) if kind == "pixel" else FourierParam(shape, generator, decay)


def gaussian_blur(images: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of (n, C, H, W), reflecting at the borders."""
    radius = min(max(1, math.ceil(2 * sigma)), images.shape[-1] - 1, images.shape[-2] - 1)
    if radius < 1 or sigma <= 0:
        return images
    offsets = torch.arange(-radius, radius + 1, dtype=images.dtype, device=images.device)
    kernel = torch.exp(-(offsets**2) / (2 * sigma**2))
    kernel = kernel / kernel.sum()
    channels = images.shape[1]
    padded = nn.functional.pad(images, (radius, radius, radius, radius), mode="reflect")
    blurred = nn.functional.conv2d(padded, kernel.view(1, 1, 1, -1).repeat(channels, 1, 1, 1), groups=channels)
    return nn.functional.conv2d(blurred, kernel.view(1, 1, -1, 1).repeat(channels, 1, 1, 1), groups=channels)
