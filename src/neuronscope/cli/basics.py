"""``neuronscope basics ...``: the first-principles demonstrations from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..choices import MAX_TOY_CLASSES, TOY_DATASETS
from .options import add_serve_options, command_group, float_list, int_list


def add_parsers(commands) -> None:
    topics = command_group(commands, "basics", "one neuron, decision boundaries, gradient descent, backpropagation",
                           cmd_basics, "topic")

    festival = topics.add_parser("festival", help="should I go to the festival? one neuron decides",
                                 description="One neuron weighs four factors against a threshold. The default "
                                             "example rates weather, music, company and price out of 4 and weighs "
                                             "them 4, 2, 2, 1 against a threshold of 25: 12 + 4 + 8 + 2 = 26, go.")
    festival.add_argument("--values", type=factor_numbers, default={},
                          help="ratings to change, e.g. weather=1,price=4 (factors: weather, music, company, price; "
                               "0 to 4; default: 3, 2, 4, 2)")
    festival.add_argument("--weights", type=factor_numbers, default={},
                          help="importances to change, e.g. music=4 (default: 4, 2, 2, 1)")
    festival.add_argument("--threshold", type=float, help="the neuron's threshold (default: the example's, 25; 5 "
                                                          "with --yes)")
    festival.add_argument("--yes", help="the yes/no example instead: the comma-separated factors that hold, of good "
                                        "weather, music I like, friends are coming, cheap ticket (weights 4, 3, 2, 1)")
    festival.add_argument("--out", type=Path, help="also write activations.png here: z through step, sigmoid, ReLU, tanh")

    boundaries = topics.add_parser("boundaries", help="train a line and an MLP on 2-D toy data; draw their regions")
    boundaries.add_argument("--data", choices=TOY_DATASETS, default="xor")
    boundaries.add_argument("--classes", type=int, help=f"classes of blobs or spirals (2..{MAX_TOY_CLASSES}; "
                                                         f"default: 3 for blobs, 2 otherwise)")
    boundaries.add_argument("--csv", type=Path, help="your own points instead: rows of x1, x2, label (a header row "
                                                     "names the axes; 2..8 different labels)")
    boundaries.add_argument("--points", type=int, default=200)
    boundaries.add_argument("--noise", type=float, default=0.0)
    boundaries.add_argument("--hidden", type=int_list, default=[4], help="hidden layer sizes (default: 4)")
    boundaries.add_argument("--activation", choices=("tanh", "relu", "sigmoid"), default="tanh")
    boundaries.add_argument("--lr", type=float, default=0.5)
    boundaries.add_argument("--steps", type=int, default=2000)
    boundaries.add_argument("--seed", type=int, default=0)
    boundaries.add_argument("--out", type=Path, default=Path("basics"), help="folder for the figure (default: basics)")

    descent = topics.add_parser("descent", help="gradient descent on a two-weight loss surface at three learning rates")
    descent.add_argument("--lrs", type=float_list,
                         help="comma-separated learning rates (default: too small, good, too large for the data)")
    descent.add_argument("--steps", type=int, default=40)
    descent.add_argument("--out", type=Path, default=Path("basics"), help="folder for the figure (default: basics)")

    topics.add_parser("backprop", help="backpropagation through a 2-2-1 network, every number checked")

    lab = topics.add_parser("lab", help="open the basics pages of the web lab")
    lab.add_argument("--runs", type=Path, default=Path("runs"), help="runs to serve beside them (default: runs)")
    add_serve_options(lab)


def cmd_basics(args) -> int:
    return {"festival": _festival, "boundaries": _boundaries, "descent": _descent, "backprop": _backprop,
            "lab": _lab}[args.topic](args)


def factor_numbers(text: str) -> dict[str, float]:
    """``weather=3,music=2`` -> {"weather": 3.0, "music": 2.0}."""
    numbers = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        try:
            numbers[name.strip()] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected FACTOR=NUMBER pairs such as weather=3,price=1, got "
                                             f"{part!r}") from None
    return numbers


def _festival(args) -> int:
    from ..basics import FESTIVAL, FESTIVAL_YES_NO, festival_decision

    if args.yes is not None:
        holds = [f.strip() for f in args.yes.split(",") if f.strip()]
        example, values = FESTIVAL_YES_NO, {**dict.fromkeys(FESTIVAL_YES_NO.weights, 0.0), **dict.fromkeys(holds, 1.0)}
        values.update(args.values)
    else:
        example, values = FESTIVAL, args.values
    decision = festival_decision(values, args.weights, args.threshold, example=example)
    for name, weight in decision.weights.items():
        print(f"  {name:<20} x = {decision.inputs[name]:g}   weight {weight:g}")
    verdict = "go" if decision.go else "stay home"
    print(f"w·x = {decision.weighted_sum:g} {'>' if decision.go else '<='} threshold {decision.threshold:g}"
          f"  (z = w·x + b = {decision.z:g} with bias b = {-decision.threshold:g}): {verdict}")
    if args.out:
        from ..plot import save_figure
        from ..plot.basics import plot_activations

        path = save_figure(plot_activations(decision.z), args.out / "activations.png")
        print(f"figure: {path}")
    return 0


def _boundaries(args) -> int:
    from ..basics import fit_toy
    from ..data.toy import load_toy_csv, make_toy
    from ..plot import save_figure
    from ..plot.basics import plot_decision_regions

    data = load_toy_csv(args.csv) if args.csv else make_toy(args.data, args.points, args.noise, args.seed,
                                                              args.classes)
    common = dict(activation=args.activation, lr=args.lr, steps=args.steps, seed=args.seed)
    outputs = 1 if data.num_classes == 2 else data.num_classes
    fits = {"linear": fit_toy(data, hidden=(), **common),
            f"MLP 2-{'-'.join(map(str, args.hidden))}-{outputs}": fit_toy(data, hidden=tuple(args.hidden), **common)}
    for name, fit in fits.items():
        print(f"{name}: {fit.accuracy(data):.1%} of {len(data.labels)} {data.name} points after {args.steps} steps "
              f"(loss {fit.losses[-1]:.4f})")
    path = save_figure(plot_decision_regions(data, fits), args.out / f"boundaries-{data.name}.png")
    print(f"figure: {path}")
    return 0


def _descent(args) -> int:
    from ..basics import best_fit, critical_learning_rate, descent_path, learning_rate_trio, line_data
    from ..plot import save_figure
    from ..plot.basics import plot_descent

    data = line_data()
    critical = critical_learning_rate(data)
    paths = [descent_path(data, lr, args.steps) for lr in (args.lrs or learning_rate_trio(data))]
    print(f"fitting y = w·x + b to {len(data.x)} points; gradient descent diverges above lr {critical:.4g}")
    for path in paths:
        outcome = "diverges" if path.diverged else f"loss {path.losses[-1]:.4g}"
        print(f"  lr {path.lr:<8.4g} {len(path.points) - 1:>4} steps: {outcome}")
    path = save_figure(plot_descent(data, paths, best_fit(data)), args.out / "descent.png")
    print(f"figure: {path}")
    return 0


def _backprop(args) -> int:
    from ..basics import backprop_trace, example_network

    network, x, target = example_network()
    trace = backprop_trace(network, x, target)
    print(f"input x = {x.tolist()}, target {target}; sigmoid neurons, loss ½(a - target)²")
    for l, (z, a) in enumerate(zip(trace.z, trace.a[1:]), start=1):
        print(f"layer {l}: z = {z.round(6).tolist()}  a = {a.round(6).tolist()}  delta = {trace.deltas[l - 1].round(8).tolist()}")
    print(f"loss {trace.loss:.8f}\n{'parameter':<14}{'backprop':>14}{'finite diff.':>14}{'difference':>12}")
    for l in range(len(trace.weight_gradients)):
        for (o, i), g in _entries(trace.weight_gradients[l]):
            print(f"{f'w{l + 1}[{o},{i}]':<14}{g:>14.8f}{trace.numerical_weight_gradients[l][o, i]:>14.8f}"
                  f"{abs(g - trace.numerical_weight_gradients[l][o, i]):>12.1e}")
        for o, g in enumerate(trace.bias_gradients[l]):
            print(f"{f'b{l + 1}[{o}]':<14}{g:>14.8f}{trace.numerical_bias_gradients[l][o]:>14.8f}"
                  f"{abs(g - trace.numerical_bias_gradients[l][o]):>12.1e}")
    print(f"one step of lr {trace.lr:g}: loss {trace.loss:.8f} -> {trace.loss_after:.8f}")
    return 0


def _entries(matrix):
    return (((o, i), float(matrix[o, i])) for o in range(matrix.shape[0]) for i in range(matrix.shape[1]))


def _lab(args) -> int:
    from ..web.app import serve_lab

    serve_lab(args.runs, None, args.host, args.port,
              f"neuronscope basics: http://{args.host}:{args.port}/basics  (Ctrl-C stops)")
    return 0

