"""``neuronscope basics``: each demonstration prints its numbers and writes the figures it names."""

import pytest

from neuronscope.cli import main


def test_festival_is_the_articles_example_with_settable_values_and_weights(capsys):
    assert main(["basics", "festival"]) == 0
    assert "w·x = 26 > threshold 25  (z = w·x + b = 1 with bias b = -25): go" in capsys.readouterr().out
    assert main(["basics", "festival", "--values", "company=3"]) == 0
    assert "w·x = 24 <= threshold 25" in capsys.readouterr().out
    assert main(["basics", "festival", "--values", "company=3", "--weights", "music=3", "--threshold", "25"]) == 0
    assert "w·x = 26 > threshold 25" in capsys.readouterr().out


def test_festival_prints_the_decision_and_draws_the_activations(tmp_path, capsys):
    assert main(["basics", "festival", "--yes", "good weather,music I like", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "w·x = 7 > threshold 5" in out and out.rstrip().splitlines()[-2].endswith(": go")
    assert (tmp_path / "activations.png").stat().st_size > 10_000
    assert main(["basics", "festival", "--yes", "cheap ticket", "--threshold", "0.5"]) == 0
    assert "bias b = -0.5): go" in capsys.readouterr().out


def test_boundaries_of_a_users_csv_with_three_classes(tmp_path, capsys):
    rows = [f"{k % 5},{k % 3},a" for k in range(20)] + [f"{10 + k % 5},{k % 3},b" for k in range(20)] + \
        [f"{5 + k % 5},{10 + k % 3},c" for k in range(20)]
    (tmp_path / "mine.csv").write_text("width,height,kind\n" + "\n".join(rows))
    assert main(["basics", "boundaries", "--csv", str(tmp_path / "mine.csv"), "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "MLP 2-4-3: 100.0% of 60 mine points" in printed and (tmp_path / "boundaries-mine.png").is_file()
    assert main(["basics", "boundaries", "--csv", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: no such file" in capsys.readouterr().err


def test_boundaries_show_a_line_failing_xor_and_an_mlp_solving_it(tmp_path, capsys):
    assert main(["basics", "boundaries", "--data", "xor", "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    linear, mlp = (float(line.split(": ")[1].split("%")[0]) for line in lines[:2])
    assert linear <= 75 and mlp == 100
    assert (tmp_path / "boundaries-xor.png").is_file()


def test_descent_names_the_critical_learning_rate(tmp_path, capsys):
    assert main(["basics", "descent", "--lrs", "0.1,0.3", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "diverges above lr 0.2373" in out
    assert "lr 0.1 " in out and out.count("diverges") == 2  # the header and the 0.3 path
    assert (tmp_path / "descent.png").is_file()


def test_backprop_table_agrees_with_finite_differences(capsys):
    assert main(["basics", "backprop"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith(("w1", "w2", "b1", "b2"))]
    assert len(rows) == 9 and all(float(row[3]) < 1e-8 for row in rows)


@pytest.mark.parametrize("argv, message", [
    (["basics", "festival", "--yes", "dancing"], "unknown factor 'dancing'"),
    (["basics", "festival", "--values", "weather=5"], "values go from 0 to 4"),
    (["basics", "festival", "--weights", "mood=2"], "unknown factor 'mood'"),
    (["basics", "festival", "--threshold", "nan"], "finite"),
    (["basics", "boundaries", "--steps", "0"], "steps must be 1..100000"),
    (["basics", "boundaries", "--points", "1"], "2..5000 points"),
    (["basics", "descent", "--lrs", "0.1,nan"], "learning rate must be in (0, 10]"),
])
def test_bad_basics_input_gives_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
