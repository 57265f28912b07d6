"""Maps of activation space: the same coordinates as scikit-learn's, new inputs placed on them, the
figure and the command."""

import sys

import numpy as np
import pytest
from sklearn.decomposition import PCA

from neuronscope.cli import main
from neuronscope.errors import ConfigError
from neuronscope.inspect.activation_map import activation_map, load_maps
from neuronscope.inspect.activations import layer_activations
from neuronscope.plot.activation_map import plot_activation_maps, spread_points


def test_pca_coordinates_are_scikit_learns_on_the_same_activations(digits_run, digits):
    found = activation_map(digits_run.model, digits.test_images, digits.test_labels, "hidden1", points=200, seed=3)
    activations = layer_activations(digits_run.model, digits.test_images[found.indices], "hidden1")
    np.testing.assert_allclose(found.activations, activations)
    expected = PCA(2).fit_transform(activations.astype(np.float64))
    np.testing.assert_allclose(found.coords, expected, atol=1e-6)
    np.testing.assert_array_equal(found.labels, digits.test_labels[found.indices])
    assert len(set(found.indices.tolist())) == 200 and 0 < found.explained.sum() < 1
    np.testing.assert_allclose(found.place(activations[:7]), found.coords[:7], atol=1e-6)  # a point lands on itself


def test_tsne_places_new_inputs_among_their_nearest_neighbours(digits_run, digits):
    found = activation_map(digits_run.model, digits.test_images, digits.test_labels, "hidden1", method="tsne",
                           points=150)
    assert found.coords.shape == (150, 2) and "nearest test images" in found.placement
    position = found.place(found.activations[:1])
    distances = ((found.activations - found.activations[0]) ** 2).sum(1)
    nearest = np.argsort(distances, kind="stable")[:5]
    np.testing.assert_allclose(position[0], found.coords[nearest].mean(0))
    with pytest.raises(ConfigError, match="hidden1 has 20 units; got activations of 3"):
        found.place(np.ones((1, 3)))


@pytest.mark.parametrize("options, message", [
    ({"method": "isomap"}, "unknown map method 'isomap'"),
    ({"points": 3}, "a map needs between 10 and 10000 points"),
    ({"method": "umap"}, "umap-learn"),
])
def test_bad_map_settings_are_one_line_errors(digits_run, digits, options, message, monkeypatch):
    monkeypatch.setitem(sys.modules, "umap", None)  # umap-learn is optional: without it, the error names it
    with pytest.raises(ConfigError, match=message):
        activation_map(digits_run.model, digits.test_images, digits.test_labels, "hidden1", **options)


def test_thumbnails_go_to_points_far_apart():
    coords = np.array([[0, 0], [0.01, 0], [1, 1], [0.5, 0.5], [1, 0]], dtype=float)
    chosen = spread_points(coords, 3)
    assert len(set(chosen)) == 3 and not {0, 1} <= set(chosen)  # never both of the near-duplicates
    assert sorted(spread_points(coords, 10)) == [0, 1, 2, 3, 4]


def test_the_map_figure_and_command(digits_run, digits, tmp_path, capsys):
    maps = [activation_map(digits_run.model, digits.test_images, digits.test_labels, "hidden1", points=100),
            activation_map(digits_run.model, digits.test_images, digits.test_labels, "output", points=100)]
    figure = plot_activation_maps(maps, digits.test_images, digits.class_names, thumbnails=5)
    assert [ax.get_title() for ax in figure.axes[:2]][0].startswith("hidden1 · PCA (")
    out = tmp_path / "map.svg"
    assert main(["map", str(digits_run.path), "--method", "pca", "--points", "120", "--out", str(out)]) == 0
    assert out.read_text().lstrip().startswith("<?xml") and "hidden1 · PCA" in capsys.readouterr().out
    assert main(["map", str(digits_run.path), "--out", str(tmp_path / "map.txt")]) == 2
    assert "write the figure as .png or .svg" in capsys.readouterr().err


def test_the_reports_maps_are_kept_in_the_run_until_it_trains_again(tmp_path, digits, monkeypatch):
    import shutil

    from neuronscope.experiments import dense
    from neuronscope.runs import open_run, train_run
    from neuronscope.training import build_configs

    configs = build_configs(input_size=64, num_classes=10, image_shape=(8, 8), preset="modern", layers=[64, 12, 10],
                            epochs=1)
    run = train_run(tmp_path / "run", digits, *configs, progress=False)
    [figure] = [f for f in dense.run_figures(run, digits) if f.name == "activation_map"]
    figure.figure  # computes the maps and keeps them
    kept = tmp_path / "run" / dense.MAPS
    maps = load_maps(kept)
    assert [(m.layer, m.method) for m in maps] == [("hidden1", "pca"), ("hidden1", "tsne")]

    def refuse(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(dense, "activation_map", refuse)
    [again] = [f for f in dense.run_figures(open_run(run.path), digits) if f.name == "activation_map"]
    assert again.figure.axes  # drawn from the kept maps
    shutil.copy(kept, tmp_path / "old.npz")
    train_run(run.path, digits, training=build_configs(input_size=64, num_classes=10, image_shape=(8, 8),
                                                       preset="modern", layers=[64, 12, 10], epochs=2)[1],
              resume=True, progress=False)
    with pytest.raises(AssertionError, match="computed again"):  # new weights: the kept maps are stale
        [f for f in dense.run_figures(open_run(run.path), digits) if f.name == "activation_map"][0].figure
    kept.write_bytes(b"not a zip")
    monkeypatch.undo()
    [fresh] = [f for f in dense.run_figures(open_run(run.path), digits) if f.name == "activation_map"]
    assert fresh.figure.axes and len(load_maps(kept)) == 2  # a damaged file is computed again
