"""neuronscope's channel rendering against lucent's (the PyTorch port of Lucid), on the same network,
the same channel objectives, 512 steps at 224 px, Fourier images with decorrelated color and the
standard transforms of each: neuronscope renders the channels as one batch, lucent one at a time (its
``render_vis`` takes one objective). Both final images are scored the same way: the channel's mean
activation on the image itself.

    pip install --no-deps torch-lucent 'kornia==0.4.1' decorator    # benchmark-only
    python benchmarks/lucent_comparison.py [--layer blocks.8] [--channels 8] [--steps 512] [--seeds 3]

Every rendering starts from random noise; ``--seeds`` repeats both sides from that many starts (lucent
draws its noise from torch's global generator, seeded the same way) and compares the means.

lucent imports torchvision only for ImageNet normalization, which this comparison does not use (the
network normalizes its own input); where torchvision cannot be imported, a stand-in module lets the
import succeed and refuses to be called.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import types

import numpy as np
import torch


def _lucent():
    try:
        import torchvision.transforms  # noqa: F401
    except Exception:  # PyPI's torchvision does not load beside every torch build
        stand_in = types.ModuleType("torchvision")
        transforms = types.ModuleType("torchvision.transforms")

        def Normalize(*args, **kwargs):  # noqa: N802 (torchvision's name)
            def refuse(_):
                raise RuntimeError("torchvision is not available: render with preprocess=False")
            return refuse

        transforms.Normalize = Normalize
        stand_in.transforms = transforms
        sys.modules.update({"torchvision": stand_in, "torchvision.transforms": transforms})
    try:
        from lucent.optvis import objectives, param, render, transform
    except ImportError:
        sys.exit("this comparison needs lucent: pip install --no-deps torch-lucent 'kornia==0.4.1' decorator")
    return objectives, param, render, transform


def _score(network, layer: str, channels: list[int], images: torch.Tensor) -> np.ndarray:
    from neuronscope.inspect import featurevis as fv

    with torch.no_grad():
        return fv.evaluate(network, fv.channel(layer, channels), images).numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layer", default="blocks.8")
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--steps", type=int, default=512)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    objectives, param, render, transform = _lucent()

    from neuronscope.imagenet import efficientnet_lite
    from neuronscope.imagenet.looking import fourier_lr
    from neuronscope.inspect import featurevis as fv

    torch.set_num_threads(max(1, torch.get_num_threads()))
    network = efficientnet_lite()
    for parameter in network.parameters():
        parameter.requires_grad_(False)  # lucent backpropagates into whatever needs gradients
    channels = list(range(args.channels))
    shape = (3, 224, 224)

    lucent_layer = "network_" + args.layer.replace(".", "_")
    ours_times, lucent_times, ours_scores, lucent_scores = [], [], [], []
    for seed in range(args.seeds):
        started = time.perf_counter()
        ours = fv.render(network, fv.channel(args.layer, channels), shape, batch=len(channels), steps=args.steps,
                         lr=fourier_lr(224), regularization=fv.REGULARIZED, seed=seed)
        ours_times.append((time.perf_counter() - started) / len(channels))
        ours_scores.append(_score(network, args.layer, channels, ours.images))
        images = []
        for channel in channels:
            torch.manual_seed(seed * 1000 + channel)
            started = time.perf_counter()
            [image] = render.render_vis(network, objectives.channel(lucent_layer, channel),
                                        lambda: param.image(224, fft=True, decorrelate=True),
                                        transforms=transform.standard_transforms, thresholds=(args.steps,),
                                        preprocess=False, progress=False, show_image=False)
            lucent_times.append(time.perf_counter() - started)
            images.append(torch.as_tensor(image[0]).permute(2, 0, 1))
        lucent_scores.append(_score(network, args.layer, channels, torch.stack(images)))
        print(f"start {seed}: mean objective neuronscope {ours_scores[-1].mean():.2f}, lucent "
              f"{lucent_scores[-1].mean():.2f}", flush=True)
    ours_scores, lucent_scores = np.stack(ours_scores), np.stack(lucent_scores)
    ours_seconds, lucent_seconds = statistics.median(ours_times), statistics.median(lucent_times)

    print(f"{args.layer}, channels 0..{len(channels) - 1}, {args.steps} steps at 224 px on "
          f"{torch.get_num_threads()} threads, {args.seeds} random starts each")
    print(f"{'':<34}{'neuronscope':>14}{'lucent':>14}")
    print(f"{'seconds per channel (median)':<34}{ours_seconds:>14.1f}{lucent_seconds:>14.1f}"
          f"   ({lucent_seconds / ours_seconds:.1f}x)")
    print(f"{'mean final objective':<34}{ours_scores.mean():>14.2f}{lucent_scores.mean():>14.2f}")
    print(f"{'spread of the means over starts':<34}{np.ptp(ours_scores.mean(1)):>14.2f}"
          f"{np.ptp(lucent_scores.mean(1)):>14.2f}")
    mean_ours, mean_lucent = ours_scores.mean(0), lucent_scores.mean(0)
    print(f"{'channels scored higher (mean)':<34}{int((mean_ours > mean_lucent).sum()):>14}"
          f"{int((mean_lucent > mean_ours).sum()):>14}")
    print(f"peak memory of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
