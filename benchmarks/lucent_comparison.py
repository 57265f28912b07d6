"""neuronscope's channel rendering against lucent's (the PyTorch port of Lucid), on the same network,
the same channel objectives, 512 steps at 224 px, Fourier images with decorrelated color and the
standard transforms of each: neuronscope renders the channels as one batch, lucent one at a time (its
``render_vis`` takes one objective). Both final images are scored the same way: the channel's mean
activation on the image itself.

    pip install --no-deps torch-lucent 'kornia==0.4.1' decorator    # benchmark-only
    python benchmarks/lucent_comparison.py [--layer blocks.8] [--channels 8] [--steps 512]

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

    started = time.perf_counter()
    ours = fv.render(network, fv.channel(args.layer, channels), shape, batch=len(channels), steps=args.steps,
                     lr=fourier_lr(224), regularization=fv.REGULARIZED)
    ours_seconds = (time.perf_counter() - started) / len(channels)
    ours_scores = _score(network, args.layer, channels, ours.images)
    ours_memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    lucent_layer = "network_" + args.layer.replace(".", "_")
    lucent_images, lucent_times = [], []
    for channel in channels:
        started = time.perf_counter()
        [image] = render.render_vis(network, objectives.channel(lucent_layer, channel),
                                    lambda: param.image(224, fft=True, decorrelate=True),
                                    transforms=transform.standard_transforms, thresholds=(args.steps,),
                                    preprocess=False, progress=False, show_image=False)
        lucent_times.append(time.perf_counter() - started)
        lucent_images.append(torch.as_tensor(image[0]).permute(2, 0, 1))
    lucent_scores = _score(network, args.layer, channels, torch.stack(lucent_images))

    print(f"{args.layer}, channels 0..{len(channels) - 1}, {args.steps} steps at 224 px on "
          f"{torch.get_num_threads()} threads")
    print(f"{'':<34}{'neuronscope':>14}{'lucent':>14}")
    print(f"{'seconds per channel':<34}{ours_seconds:>14.1f}{statistics.mean(lucent_times):>14.1f}"
          f"   ({statistics.mean(lucent_times) / ours_seconds:.1f}x)")
    print(f"{'mean final objective':<34}{ours_scores.mean():>14.2f}{lucent_scores.mean():>14.2f}")
    print(f"{'channels scored higher':<34}{int((ours_scores > lucent_scores).sum()):>14}"
          f"{int((lucent_scores > ours_scores).sum()):>14}")
    print(f"peak memory of the process: {ours_memory:.0f} MB after neuronscope's batch")


if __name__ == "__main__":
    main()
