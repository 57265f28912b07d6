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


def test_a_connection_that_trickles_its_headers_is_closed(runs_dir):
    import socket
    import threading
    import time

    import uvicorn

    from neuronscope.web.protocol import HeaderTimeoutProtocol

    class Quick(HeaderTimeoutProtocol):
        header_seconds = 0.5

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(runs_dir), host="127.0.0.1", port=port, http=Quick,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
        slow.settimeout(5)
        started = time.monotonic()
        assert slow.recv(100) == b"" and time.monotonic() - started < 3  # closed by the server
        with socket.create_connection(("127.0.0.1", port)) as quick:  # a whole request is still served
            quick.sendall(b"GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            quick.settimeout(5)
            assert quick.recv(12).startswith(b"HTTP/1.1 200")
        slow.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
