import numpy as np
import pytest
from matplotlib.colors import Normalize

from neuronscope.plot import palette


def test_the_palette_colors_as_matplotlib_draws_with_it():
    values = np.random.default_rng(1).normal(0, 2, 2000)
    reach = palette.reach(values)
    drawn = palette.colormap()(Normalize(-reach, reach)(values), bytes=True)[:, :3]
    assert np.array_equal(drawn, palette.colors(values, reach))


def test_blue_likes_red_dislikes_near_white_at_zero():
    (red, white, blue) = palette.colors(np.array([-1.0, 0.0, 1.0]), 1.0).astype(int)
    assert red[0] > red[2] + 60 and blue[2] > blue[0] + 60 and white.min() > 235


@pytest.mark.parametrize("values, expected", [
    (np.r_[np.zeros(1000), 50.0], 50.0),  # the percentile is 0: the largest value
    (np.zeros(5), 1.0), (np.array([np.nan, np.inf]), 1.0),
])
def test_the_reach_rule_has_sensible_edges(values, expected):
    assert palette.reach(values) == expected


def test_a_few_extreme_values_do_not_set_the_reach():
    values = np.r_[np.linspace(-1, 1, 1000), [100.0]]
    assert palette.reach(values) < 2
