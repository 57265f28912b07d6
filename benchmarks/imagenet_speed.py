"""How fast the ImageNet network answers the questions people wait on: a class rendered from noise
(224 px, 512 steps), targeted PGD on a photo (10 steps), fooling noise, a dream of a photo (4 octaves)
and style transfer (256 px); each with its peak memory.

    python benchmarks/imagenet_speed.py [--repeats 3] [--steps 512]

Each figure is the median of ``--repeats``, measured in a fresh process (so peak memory is its own),
beside a baseline timed the same way: rendering one class alone against eight in one batch (per
class), PGD with constant steps against the cosine schedule (same time; the reach is what differs),
dreaming with the network always seeing the full-size photo against each octave at its own size, and
plain Gram matrices against softmax-smoothed ones.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import time

TARGETS = ("goldfish", "banana", "ostrich", "tabby", "school bus", "daisy", "volcano", "lemon")


def _render(classes: int, steps: int) -> dict:
    from neuronscope.imagenet import efficientnet_lite
    from neuronscope.imagenet.looking import fourier_lr
    from neuronscope.inspect import featurevis as fv

    network = efficientnet_lite()
    indices = [network.class_index(name) for name in TARGETS[:classes]]
    started = time.perf_counter()
    rendering = fv.render(network, fv.class_logit(indices), (3, 224, 224), batch=classes, steps=steps,
                          lr=fourier_lr(224), regularization=fv.REGULARIZED)
    seconds = time.perf_counter() - started
    import torch

    with torch.no_grad():
        p = torch.softmax(network(rendering.images), 1)[torch.arange(classes), torch.tensor(indices)]
    return {"seconds": seconds / classes, "reached": int((p >= 0.9).sum()), "of": classes}


def _attack(schedule: str) -> dict:
    import torch

    from neuronscope.imagenet import center_crop, efficientnet_lite, sample_photo
    from neuronscope.inspect.adversarial import pgd

    network = efficientnet_lite()
    reached, seconds = 0, []
    for photo in ("china", "flower"):
        x = center_crop(sample_photo(photo), 224)
        with torch.no_grad():
            label = network(x).argmax(1)
        for name in TARGETS[:5]:
            target = network.class_index(name)
            started = time.perf_counter()
            attack = pgd(network, x, label, 2 / 255, steps=10, target=target, schedule=schedule)
            seconds.append(time.perf_counter() - started)
            reached += int(attack.prediction[0]) == target and float(attack.confidence[0]) >= 0.9
    return {"seconds": statistics.median(seconds), "reached": reached, "of": 10}


def _fool(_) -> dict:
    from neuronscope.imagenet import efficientnet_lite
    from neuronscope.imagenet.looking import fool

    network = efficientnet_lite()
    started = time.perf_counter()
    fooled = fool(network, "goldfish")
    return {"seconds": time.perf_counter() - started, "reached": int(fooled.confidence >= 0.99), "of": 1}


def _dream(at_octave_size: bool) -> dict:
    import torch

    from neuronscope.imagenet import classify, efficientnet_lite, sample_photo
    from neuronscope.imagenet.looking import dog_share
    from neuronscope.inspect.dream import dream

    network = efficientnet_lite()
    photo = torch.as_tensor(sample_photo("china")).permute(2, 0, 1)[None]
    photo = torch.nn.functional.interpolate(photo, size=(299, 448), mode="bilinear", antialias=True)[0]
    started = time.perf_counter()
    result = dream(network, photo.clamp(0, 1), "blocks.10", octaves=4, steps=20, jitter=16,
                   fully_convolutional=at_octave_size)
    seconds = time.perf_counter() - started
    top = classify(network, result.image.permute(1, 2, 0).numpy())
    return {"seconds": seconds, "reached": round(5 * dog_share(network, top.indices)), "of": 5}


def _style(smoothing: str) -> dict:
    from neuronscope.imagenet import efficientnet_lite
    from neuronscope.imagenet.style import transfer_style

    result = transfer_style(efficientnet_lite(), "china", "swirls", size=256, smoothing=smoothing)
    return {"seconds": result.seconds, "reached": int(result.style_loss_fall >= 10), "of": 1}


def _measured(job, argument, queue) -> None:
    import torch

    torch.set_num_threads(2)
    result = job(*argument) if isinstance(argument, tuple) else job(argument)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(result)


def measure(job, argument, repeats: int) -> dict:
    context = multiprocessing.get_context("spawn")
    results = []
    for _ in range(repeats):
        queue = context.Queue()
        process = context.Process(target=_measured, args=(job, argument, queue))
        process.start()
        results.append(queue.get())
        process.join()
    return {"seconds": statistics.median(r["seconds"] for r in results),
            "peak_mb": max(r["peak_mb"] for r in results), "reached": results[-1]["reached"], "of": results[-1]["of"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=512)
    args = parser.parse_args()

    rows = [("class rendering, one class alone (baseline)", measure(_render, (1, args.steps), args.repeats), 40),
            ("class rendering, 8 classes in one batch, per class", measure(_render, (8, args.steps), args.repeats), 40),
            ("targeted PGD, 10 constant steps (baseline)", measure(_attack, "constant", args.repeats), 2),
            ("targeted PGD, 10 cosine steps", measure(_attack, "cosine", args.repeats), 2),
            ("fooling noise to 99% goldfish", measure(_fool, None, args.repeats), None),
            ("dream, 4 octaves at 448 px, seen full size (baseline)", measure(_dream, False, args.repeats), 15),
            ("dream, 4 octaves at 448 px, each at its size", measure(_dream, True, args.repeats), 15),
            ("style transfer at 256 px, plain Gram (baseline)", measure(_style, "none", args.repeats), 60),
            ("style transfer at 256 px, softmax-smoothed", measure(_style, "softmax", args.repeats), 60)]
    print(f"EfficientNet-Lite0 at 224 px, 2 torch threads, median of {args.repeats} fresh processes")
    for name, result, target in rows:
        aim = f"(target <= {target} s)" if target else ""
        print(f"  {name:<56} {result['seconds']:7.2f} s {aim:<17} peak {result['peak_mb']:6.0f} MB   "
              f"reached {result['reached']} of {result['of']}")


if __name__ == "__main__":
    main()
