"""Hostile requests to the lab: foreign Host names, bodies that hide their size, HEAD, absurd budgets."""

from fastapi.testclient import TestClient

from neuronscope.web.app import LOOPBACK_NAMES, create_app


def test_only_this_machines_names_are_served_when_listening_on_loopback(runs_dir):
    client = TestClient(create_app(runs_dir, allowed_hosts=[*LOOPBACK_NAMES]), base_url="http://127.0.0.1")
    assert client.get("/api/runs").status_code == 200
    rebound = client.get("/api/runs", headers={"host": "attacker.example:8000"})
    assert rebound.status_code == 400 and "attacker" not in rebound.text


def test_a_chunked_body_over_the_limit_is_413(client):
    def chunks():
        for _ in range(5):
            yield b"[" + b"0," * 500_000

    answer = client.post("/api/runs/mnist-3b1b/infer", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413 and "over" in answer.json()["error"]


def test_head_answers_like_get_without_a_body(client):
    head, get = client.head("/api/runs"), client.get("/api/runs")
    assert head.status_code == 200 and head.content == b"" and get.content
    assert client.head("/").status_code == 200


def test_no_redirect_echoes_the_host(client):
    answer = client.get("/api/runs/", headers={"host": "evil.example"}, follow_redirects=False)
    assert answer.status_code == 404 and "evil" not in answer.headers.get("location", "")


def test_a_large_l2_budget_is_accepted(vision_client):
    answer = vision_client.post("/api/vision/convnet/attack", json={"norm": "l2", "epsilon": 60, "steps": 2})
    assert answer.status_code == 200 and answer.json()["l2"] <= 60 + 1e-3
