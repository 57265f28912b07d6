"""The basics, checked numerically: the festival neuron, backpropagation, XOR, gradient descent."""

import numpy as np
import pytest

from neuronscope.basics import (
    FESTIVAL_YES_NO,
    Neuron,
    TinyNetwork,
    backprop_trace,
    best_fit,
    critical_learning_rate,
    descent_path,
    example_network,
    festival_decision,
    fit_toy,
    learning_rate_trio,
    line_data,
    padded_bounds,
    region_grid,
)
from neuronscope.data.toy import TOY_DATASETS, load_toy_csv, make_toy, toy_from_csv
from neuronscope.errors import ConfigError


def test_the_festival_is_the_articles_example_by_default():
    decision = festival_decision()
    assert decision.weighted_sum == 26 and decision.threshold == 25 and decision.go  # 12 + 4 + 8 + 2 > 25
    assert decision.z == 1
    assert not festival_decision({"company": 3}).go  # 24 is not > 25
    assert festival_decision({"company": 3}, {"music": 3}).go  # 12 + 6 + 6 + 2 = 26
    assert not festival_decision(threshold=26).go


def test_festival_goes_only_when_the_weighted_factors_pass_the_threshold():
    nothing = dict.fromkeys(FESTIVAL_YES_NO.weights, 0)
    yes_no = dict(example=FESTIVAL_YES_NO)
    assert festival_decision({**nothing, "good weather": 1, "music I like": 1}, **yes_no).go  # 4 + 3 > 5
    assert not festival_decision({**nothing, "good weather": 1, "cheap ticket": 1}, **yes_no).go  # 4 + 1 is not > 5
    everything_but_weather = {**dict.fromkeys(FESTIVAL_YES_NO.weights, 1), "good weather": 0}
    assert festival_decision(everything_but_weather, **yes_no).go  # 3 + 2 + 1 > 5
    assert not festival_decision(everything_but_weather, threshold=6.5, **yes_no).go
    with pytest.raises(ConfigError, match="unknown factor 'dancing'"):
        festival_decision({"dancing": 1})
    with pytest.raises(ConfigError, match="from 0 to 1"):
        festival_decision({"cheap ticket": 3}, **yes_no)
    with pytest.raises(ConfigError, match="finite"):
        festival_decision(threshold=float("nan"))


def test_the_bias_is_the_threshold_moved_to_the_other_side():
    x = np.random.default_rng(0).uniform(0, 1, (200, 3))
    weights, threshold = (2.0, -1.0, 0.5), 0.7
    neuron = Neuron.with_threshold(weights, threshold)
    assert neuron.bias == -threshold
    np.testing.assert_array_equal(neuron.fire(x), (x @ np.array(weights) > threshold).astype(float))


@pytest.mark.parametrize("loss", ["cross-entropy", "squared"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_backpropagation_equals_finite_differences(loss, activation):
    network = TinyNetwork.create((2, 5, 3, 1), activation, seed=1)
    x = np.random.default_rng(2).normal(size=(16, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(float)
    analytic = network.gradients(x, y, loss).flat()
    numerical = network.numerical_gradients(x, y, loss).flat()
    assert np.abs(analytic).max() > 1e-3  # a real gradient, not zeros on both sides
    np.testing.assert_allclose(analytic, numerical, atol=1e-5, rtol=0)


def test_stepwise_trace_checks_itself_and_a_step_lowers_the_loss():
    network, x, target = example_network()
    trace = backprop_trace(network, x, target, lr=0.5)
    assert trace.largest_difference < 1e-5
    assert trace.loss == pytest.approx(0.5 * (trace.a[-1][0] - target) ** 2)
    assert trace.loss_after < trace.loss
    # the output's delta is (a - t) a (1 - a) for the squared loss of a sigmoid neuron
    a = trace.a[-1][0]
    assert trace.deltas[-1][0] == pytest.approx((a - target) * a * (1 - a))


def test_one_straight_line_cannot_solve_xor_but_four_hidden_neurons_can():
    for seed in range(3):
        data = make_toy("xor", 200, noise=0.0, seed=seed)
        assert fit_toy(data, hidden=(), steps=1500, seed=seed).accuracy(data) <= 0.75
        assert fit_toy(data, hidden=(4,), steps=2000, seed=seed).accuracy(data) == 1.0


def test_hidden_lines_are_where_each_hidden_neuron_is_zero():
    data = make_toy("cats-dogs", 100, seed=0)
    fit = fit_toy(data, hidden=(3,), steps=50)
    lines = fit.hidden_lines()
    x = fit.standardizer(data.points)
    np.testing.assert_allclose(data.points @ lines[:, :2].T + lines[:, 2],
                               x @ fit.network.weights[0].T + fit.network.biases[0], atol=1e-9)


@pytest.mark.parametrize("name", TOY_DATASETS)
def test_toy_sets_are_balanced_seeded_and_finite(name):
    data = make_toy(name, 101, seed=4)
    assert data.points.shape == (101, 2) and np.isfinite(data.points).all()
    counts = np.bincount(data.labels)
    assert len(counts) == data.num_classes and counts.max() - counts.min() <= 1
    np.testing.assert_array_equal(data.points, make_toy(name, 101, seed=4).points)
    assert not np.array_equal(data.points, make_toy(name, 101, seed=5).points)


@pytest.mark.parametrize("kwargs, message", [({"name": "moons"}, "unknown toy data set"),
                                             ({"n": 10**7}, "2..5000 points"), ({"noise": float("nan")}, "noise")])
def test_toy_sets_refuse_bad_requests(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        make_toy(**{"name": "xor", **kwargs})


def test_learning_rates_below_the_critical_one_converge_and_above_it_diverge():
    data = line_data()
    critical = critical_learning_rate(data)
    small, good, large = learning_rate_trio(data)
    best_loss = descent_path(data, 0.5 * critical, steps=1000).losses[-1]
    good_path, small_path = descent_path(data, good, 100), descent_path(data, small, 100)
    np.testing.assert_allclose(good_path.points[-1], best_fit(data), atol=1e-2)
    assert small_path.losses[-1] > 2 * best_loss  # still far from the bottom after the same steps
    assert descent_path(data, large, 100).diverged
    assert not descent_path(data, 0.99 * critical, 400).diverged
    assert descent_path(data, 1.01 * critical, 1000).diverged


def test_tiny_networks_refuse_what_they_cannot_learn():
    with pytest.raises(ConfigError, match="step has no slope"):
        TinyNetwork.create((2, 3, 1), "step")
    with pytest.raises(ConfigError, match="one neuron .* or one per class for 3..10 classes, got 2"):
        TinyNetwork.create((2, 3, 2))  # two classes take one sigmoid output
    with pytest.raises(ConfigError, match=r"expected inputs of shape \(n, 2\)"):
        TinyNetwork.create().probability(np.zeros((4, 3)))


def test_softmax_backpropagation_equals_finite_differences():
    network = TinyNetwork.create((2, 4, 3), "tanh", seed=2)
    x = np.random.default_rng(1).normal(size=(9, 2))
    y = np.arange(9) % 3
    analytic, numeric = network.gradients(x, y), network.numerical_gradients(x, y)
    for got, want in zip(analytic.weights + analytic.biases, numeric.weights + numeric.biases):
        np.testing.assert_allclose(got, want, atol=1e-7)
    assert network.probabilities(x).sum(1) == pytest.approx(np.ones(9))
    with pytest.raises(ConfigError, match="cross-entropy only"):
        network.gradients(x, y, "squared")
    with pytest.raises(ConfigError, match="targets are class numbers 0..2"):
        network.loss(x, np.full(9, 3))


def test_more_classes_need_a_hidden_layer_when_they_do_not_lie_apart_in_straight_lines():
    blobs = make_toy("blobs", 300, 0.05, classes=4)
    assert blobs.num_classes == 4 and np.bincount(blobs.labels).tolist() == [75] * 4
    assert fit_toy(blobs, hidden=(), steps=800).accuracy(blobs) > 0.95  # blobs: straight lines do
    spirals = make_toy("spirals", 300, 0.0, classes=3)
    linear = fit_toy(spirals, hidden=(), steps=1500).accuracy(spirals)
    deep = fit_toy(spirals, hidden=(16, 16), lr=1.0, steps=3000).accuracy(spirals)
    assert linear < 0.6 and deep > 0.9
    grid = region_grid(fit_toy(blobs, hidden=(), steps=200), padded_bounds(blobs.points), 20)
    assert grid.shape == (20, 20, 4) and np.allclose(grid.sum(-1), 1)


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "xor", "classes": 3}, "xor has 2 classes"),
    ({"name": "blobs", "classes": 9}, "blobs takes 2..8 classes, got 9"),
])
def test_class_counts_are_checked(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        make_toy(**kwargs)


def test_a_users_csv_becomes_toy_data(tmp_path):
    data = toy_from_csv("height;weight;animal\n25;4;cat\n45;15;dog\n\n30;6;cat\n160;500;horse\n", "pets")
    assert data.feature_names == ("height", "weight") and data.class_names == ("cat", "dog", "horse")
    assert data.labels.tolist() == [0, 1, 0, 2] and data.points[3].tolist() == [160, 500]
    numbered = toy_from_csv("1\t2\t10\n3\t4\t9\n5\t6\t10\n")
    assert numbered.class_names == ("9", "10") and numbered.labels.tolist() == [1, 0, 1]  # numbers sort as numbers
    path = tmp_path / "points.csv"
    path.write_bytes("\ufeffx,y,c\n0,0,a\n1,1,b\n".encode())
    assert load_toy_csv(path).feature_names == ("x", "y") and load_toy_csv(path).name == "points"


@pytest.mark.parametrize("text, message", [
    ("", "the CSV is empty"),
    ("1,2,a\n", "2..5,000 points; the CSV has 1"),
    ("1,2,a\n3,4\n", "row 2: expected 3 values"),
    ("1,2,a\n3,inf,b\n", "row 2: 'inf' is not a finite number"),
    ("1,2,a\n3,4,a\n", "2..8 classes; the CSV's labels have 1"),
    ("".join(f"{k},{k},{k}\n" for k in range(9)), "2..8 classes; the CSV's labels have 9"),
    ("".join(f"{k},{k},{k % 2}\n" for k in range(5001)), "the CSV has 5,001"),
    ("1,2," + "a" * 200_000 + "\n3,4,b\n", "not a CSV of x1, x2, label"),
])
def test_bad_csvs_get_one_line(text, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        toy_from_csv(text)


def test_csv_files_that_are_too_big_or_not_text_are_refused(tmp_path):
    big = tmp_path / "big.csv"
    big.write_text("1,2,a\n" * 200_000)
    with pytest.raises(ConfigError, match="1,200,000 bytes is over the 1,000,000"):
        load_toy_csv(big)
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_toy_csv(binary)
