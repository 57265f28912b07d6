"""Show a trained network pure noise: it still answers, and often with confidence, because nothing
in training ever asked it to say "none of these"."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..inspect.probes import confidence_summary, noise_images
from ..plot.experiments import plot_confident_images, plot_noise_answers
from ..report import ExperimentReport, NamedFigure, Table
from ..runs import IMAGE_KINDS, open_run


def noise_experiment(run: str | Path, *, images: int = 10_000, seed: int = 0, data_dir=None,
                     progress: bool = True) -> ExperimentReport:
    """Compare the network's answers on its test images with its answers on ``images`` uniform and
    ``images`` Gaussian noise images (Gaussian with the test images' own pixel mean and spread)."""
    trained = open_run(run, kinds=IMAGE_KINDS)
    data = trained.load_test_set(data_dir, progress=progress)
    shape = data.test_images.shape[1:]
    mean, std = float(data.test_images.mean()), float(data.test_images.std())
    summaries = [confidence_summary(trained.model, data.test_images, "test images"),
                 confidence_summary(trained.model, noise_images("uniform", images, shape, seed=seed),
                                    "uniform noise"),
                 confidence_summary(trained.model, noise_images("gaussian", images, shape, mean=mean, std=std,
                                                                seed=seed + 1), "gaussian noise")]
    names = data.class_names

    def favourite(s) -> str:
        top = int(np.argmax(s.counts))
        return f"{names[top]} ({100 * s.counts[top] / s.counts.sum():.0f}%)"

    table = Table("Answers and confidence (confidence = the network's output for its answer)",
                  ["images", "how many", "mean confidence", "max confidence", "answers > 90% sure",
                   "most frequent answer"],
                  [[s.name, int(s.counts.sum()), f"{100 * s.mean_confidence:.1f}%", f"{100 * s.max_confidence:.2f}%",
                    f"{100 * s.share_above_90:.1f}%", favourite(s)] for s in summaries])
    real, uniform, gaussian = summaries
    summary = [
        f"The network in {trained.path} was shown {images} images of uniform noise and {images} of Gaussian "
        f"noise (pixel mean {mean:.2f}, sd {std:.2f}, like its test digits), none of which is a digit. "
        f"It has no way to say so: every image gets one of its {len(names)} classes.",
        f"On noise it is {100 * uniform.mean_confidence:.0f}% (uniform) and {100 * gaussian.mean_confidence:.0f}% "
        f"(Gaussian) sure on average, against {100 * real.mean_confidence:.0f}% on real test digits; its most "
        f"confident answer to noise reaches {100 * max(uniform.max_confidence, gaussian.max_confidence):.1f}%.",
    ]
    figures = [NamedFigure("noise_answers", "What it answers to noise",
                           "Left: the share of images given each class. Right: mean (bar) and maximum (tick) "
                           "confidence.", plot_noise_answers(summaries, names)),
               NamedFigure("noise_most_confident", "The noise it is surest about",
                           "The images of each set answered with the highest confidence.",
                           plot_confident_images(summaries, names))]
    return ExperimentReport("noise", "Confidently wrong: a network looks at noise", summary, figures, [table], {
        "run": str(trained.path), "images": images, "seed": seed, "gaussian": {"mean": mean, "std": std},
        "sets": {s.name: {"counts": s.counts.tolist(), "mean_confidence": s.mean_confidence,
                          "max_confidence": s.max_confidence, "share_above_90": s.share_above_90}
                 for s in summaries}})
