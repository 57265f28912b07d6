"""``neuronscope features ...``: polysemantic neurons, a sparse autoencoder's dictionary features, and
the toy model of superposition."""

from __future__ import annotations

from pathlib import Path

from ..choices import ANALYZED_CHARS
from ..errors import ConfigError
from ..feature_configs import FEATURES_PER_UNIT, SPARSITY_KINDS, SAEConfig, ToyConfig
from .options import add_data_options, command_group, float_list


def add_parsers(commands) -> None:
    actions = command_group(commands, "features", "beyond single neurons: polysemanticity, sparse autoencoders, "
                                                  "superposition", cmd_features, "action")
    sae, toy = SAEConfig(), ToyConfig()
    analyze = actions.add_parser("analyze", help="train a sparse autoencoder on a layer of a run (dense network, "
                                                 "ConvNet or character-level model) and compare its features with "
                                                 "the neurons or cells; write the report")
    analyze.add_argument("run", type=Path)
    analyze.add_argument("--layer", help="the layer to study (default: the first hidden layer; a ConvNet's fc1; a "
                                         "character-level model's last cell layer, given as 1, 2, ...)")
    analyze.add_argument("--features", type=int, help="dictionary size (default: 8 per neuron, channel or cell)")
    analyze.add_argument("--sparsity", choices=SPARSITY_KINDS, default=sae.sparsity,
                         help="topk: k features per input; l1: a penalty on feature activations")
    analyze.add_argument("--k", type=int, default=sae.k, help=f"features active per input, topk (default: {sae.k})")
    analyze.add_argument("--l1", type=float, default=sae.l1, help=f"penalty strength, l1 (default: {sae.l1:g})")
    analyze.add_argument("--epochs", type=int, default=sae.epochs)
    analyze.add_argument("--seed", type=int, default=sae.seed)
    analyze.add_argument("--compare", type=Path, metavar="RUN",
                         help="the same network trained from another seed: match neurons and features across both")
    analyze.add_argument("--chars", type=int, default=ANALYZED_CHARS,
                         help=f"character-level runs: validation characters analyzed (default: {ANALYZED_CHARS:,})")
    analyze.add_argument("--render-steps", type=int, default=128,
                         help="activation maximization steps per feature picture (0: none; default: 128)")
    analyze.add_argument("--retrain", action="store_true", help="train the dictionary again even if the run keeps one")
    add_data_options(analyze)
    analyze.add_argument("--out", type=Path, help="folder for the report (default: RUN/features/LAYER)")
    analyze.add_argument("--quiet", action="store_true", help="no progress bars")

    superposition = actions.add_parser("toy", help="the toy model of superposition at several sparsities")
    superposition.add_argument("--features", type=int, default=toy.features, help=f"(default: {toy.features})")
    superposition.add_argument("--dimensions", type=int, default=toy.dimensions, help=f"(default: {toy.dimensions})")
    superposition.add_argument("--sparsities", type=float_list, default=None,
                               help="chances a feature is zero (default: 0,0.7,0.9,0.97,0.99,0.997)")
    superposition.add_argument("--importance-decay", type=float, default=toy.importance_decay,
                               help=f"feature i weighs DECAY^i (default: {toy.importance_decay:g})")
    superposition.add_argument("--steps", type=int, default=toy.steps)
    superposition.add_argument("--seed", type=int, default=toy.seed)
    superposition.add_argument("--out", type=Path, default=Path("experiments/superposition"))
    superposition.add_argument("--quiet", action="store_true")


def cmd_features(args) -> int:
    return {"analyze": _analyze, "toy": _toy}[args.action](args)


def _analyze(args) -> int:
    from ..experiments.features import FEATURES_FOLDER, default_layer, layer_width, study_features
    from ..runs import TEXT_KINDS, open_run

    run = open_run(args.run, kinds=("mlp", "convnet", *TEXT_KINDS))
    text = run.kind in TEXT_KINDS
    if text:
        layer = _cell_layer(args.layer, run.model.config.layers)
        width = run.model.config.hidden
    else:
        layer = args.layer or default_layer(run)
        width = layer_width(run, layer)
    features = FEATURES_PER_UNIT * width if args.features is None else args.features
    config = SAEConfig(features=features, sparsity=args.sparsity, k=args.k, l1=args.l1,
                       epochs=args.epochs, seed=args.seed)
    if text:
        from ..experiments.cell_features import study_cell_features

        study = study_cell_features(run, layer, config, data_dir=args.data_dir, chars=args.chars,
                                    reuse=not args.retrain, progress=not args.quiet)
        folder = f"cells{layer}"
    else:
        study = study_features(run, layer, config, compare=args.compare, data_dir=args.data_dir,
                               train_size=args.train_size, test_size=args.test_size, render_steps=args.render_steps,
                               reuse=not args.retrain, progress=not args.quiet)
        folder = layer
    report = study.report()
    out = args.out or run.path / FEATURES_FOLDER / folder
    path = report.write(out, progress=not args.quiet)
    print("\n".join(report.summary))
    print(f"report:  {path}\nresults: {out / 'results.json'}")
    return 0


def _cell_layer(text: str | None, layers: int) -> int:
    if text is None:
        return layers
    try:
        return int(text)
    except ValueError:
        raise ConfigError(f"a character-level model's layers are numbered 1..{layers}, got {text!r}") from None


def _toy(args) -> int:
    from ..experiments.superposition import SPARSITIES, superposition_experiment

    config = ToyConfig(features=args.features, dimensions=args.dimensions, importance_decay=args.importance_decay,
                       steps=args.steps, seed=args.seed)
    sparsities = args.sparsities or SPARSITIES
    report = superposition_experiment(config, sparsities, progress=not args.quiet)
    path = report.write(args.out, progress=not args.quiet)
    print("\n".join(report.summary[1:]))
    print(f"report:  {path}\nresults: {args.out / 'results.json'}")
    return 0
