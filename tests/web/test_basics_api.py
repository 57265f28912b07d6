"""The basics API serves what the library computes, and refuses bad requests with one clear line."""

import numpy as np
import pytest

from neuronscope.basics import TinyNetwork, best_fit, critical_learning_rate, descent_path, line_data
from neuronscope.data.toy import make_toy


def test_toy_data_is_the_library_set(basics_client):
    body = basics_client.get("/api/basics/toy/spirals?n=60&noise=0.05&seed=3").json()
    data = make_toy("spirals", 60, 0.05, 3)
    np.testing.assert_allclose(body["points"], data.points)
    assert body["labels"] == data.labels.tolist() and body["class_names"] == list(data.class_names)


def test_toy_sets_with_more_classes_and_a_users_csv(basics_client):
    body = basics_client.get("/api/basics/toy/blobs?n=90&classes=5").json()
    assert body["class_names"] == [f"class {k}" for k in range(5)] and sorted(set(body["labels"])) == list(range(5))
    csv = basics_client.post("/api/basics/toy/csv", json={"csv": "a,b,kind\n1,2,x\n3,4,y\n5,6,z\n", "name": "mine"})
    assert csv.json() == {"name": "mine", "points": [[1, 2], [3, 4], [5, 6]], "labels": [0, 1, 2],
                          "feature_names": ["a", "b"], "class_names": ["x", "y", "z"]}
    bad = basics_client.post("/api/basics/toy/csv", json={"csv": "1,2,x\n3,four,y\n"})
    assert bad.status_code == 400 and bad.json()["error"] == "row 2: 'four' is not a finite number"
    huge = basics_client.post("/api/basics/toy/csv", json={"csv": "1,2,x\n" * 200_000})
    assert huge.status_code == 422 and "csv" in huge.json()["error"]
    assert basics_client.get("/api/basics/toy/xor?classes=3").status_code == 400
    assert basics_client.get("/api/basics/toy/blobs?classes=40").status_code == 422


def test_backprop_trace_checks_out_and_its_step_lowers_the_loss(basics_client):
    example = basics_client.get("/api/basics/backprop/example").json()
    body = basics_client.post("/api/basics/backprop", json=example).json()
    assert body["sizes"] == [2, 2, 1]
    assert body["largest_difference"] < 1e-5
    assert body["loss_after"] < body["loss"]
    network = TinyNetwork(tuple(np.array(w) for w in example["weights"]), tuple(np.array(b) for b in example["biases"]),
                          "sigmoid")
    grads = network.gradients(example["x"], [example["target"]], "squared")
    np.testing.assert_allclose(body["weight_gradients"][0], grads.weights[0])
    again = basics_client.post("/api/basics/backprop", json={**example, **body["after"]}).json()
    assert again["loss"] == pytest.approx(body["loss_after"])


def test_descent_paths_follow_the_library(basics_client):
    body = basics_client.post("/api/basics/descent", json={"steps": 30, "start": [0, 0]}).json()
    data = line_data()
    assert body["critical_lr"] == pytest.approx(critical_learning_rate(data))
    np.testing.assert_allclose(body["best"], best_fit(data))
    assert [p["diverged"] for p in body["paths"]] == [False, False, True]
    good = body["paths"][1]
    np.testing.assert_allclose(good["points"], descent_path(data, good["lr"], 30, (0, 0)).points)
    assert np.array(good["surface"]).shape == (90, 90)


@pytest.mark.parametrize("method, url, payload, message", [
    ("get", "/api/basics/toy/moons", None, "unknown toy data set 'moons'"),
    ("get", "/api/basics/toy/xor?n=100000", None, "n:"),
    ("post", "/api/basics/descent", '{"lrs": [NaN]}', "lrs"),
    ("post", "/api/basics/descent", {"steps": 10**6}, "steps"),
    ("post", "/api/basics/backprop", {"weights": [[[1, 2, 3]]], "biases": [[0]], "x": [1, 2], "target": 0.5},
     "expected inputs of shape (n, 3)"),
    ("post", "/api/basics/backprop", {"weights": [[[1, 2]], [[1], [2]]], "biases": [[0], [0, 0]], "x": [1, 2],
                                      "target": 0.5}, "one neuron"),
    ("post", "/api/basics/backprop", {"weights": [[[1, 2]]], "biases": [[0]], "x": [1, 2], "target": 0.5,
                                      "activation": "step"}, "activation"),
    ("post", "/api/basics/backprop", {"weights": [[[1, 2], [3]]], "biases": [[0, 0]], "x": [1, 2], "target": 0.5},
     "every row the same"),
    ("post", "/api/basics/backprop", {"weights": [[[1.0] * 2] * 9, [[1.0] * 9]], "biases": [[0] * 9, [0]],
                                      "x": [1, 2], "target": 0.5}, "at most 8"),
])
def test_bad_basics_requests_get_one_line_errors(basics_client, method, url, payload, message):
    if isinstance(payload, str):  # raw JSON text, for tokens such as NaN that json= cannot send
        response = basics_client.post(url, content=payload, headers={"content-type": "application/json"})
    else:
        response = getattr(basics_client, method)(url, **({} if payload is None else {"json": payload}))
    assert 400 <= response.status_code < 500
    assert message in response.json()["error"]


def test_the_basics_page_is_served_with_its_scripts(basics_client):
    page = basics_client.get("/basics")
    assert page.status_code == 200 and "basics.js" in page.text
    for asset in ("basics.js", "tinynet.js", "neuron.js", "boundaries.js", "descent.js", "backprop.js", "plotting.js"):
        assert basics_client.get(f"/static/{asset}").status_code == 200


def test_the_toy_model_of_superposition_is_the_library_model(basics_client):
    from neuronscope.feature_configs import ToyConfig
    from neuronscope.inspect.toy_superposition import train_toy_model

    body = basics_client.post("/api/basics/superposition", json={"features": 5, "dimensions": 2,
                                                                 "sparsity": 0.99}).json()
    model = train_toy_model(ToyConfig(features=5, dimensions=2, sparsity=0.99))
    np.testing.assert_allclose(body["weights"], model.weights, atol=1e-4)
    assert body["represented"] == model.represented == 5
    dense = basics_client.post("/api/basics/superposition", json={"sparsity": 0}).json()
    assert dense["represented"] == 2 and len(dense["gram"]) == 5


@pytest.mark.parametrize("body, message", [
    ({"sparsity": 1.5}, "sparsity"),
    ({"features": 3, "dimensions": 4}, "must not outnumber"),
    ({"features": 10_000}, "features"),
    ({"importance_decay": 0}, "importance_decay"),
])
def test_bad_toy_settings_get_a_4xx_line(basics_client, body, message):
    response = basics_client.post("/api/basics/superposition", json=body)
    assert 400 <= response.status_code < 500 and message in response.json()["error"]
