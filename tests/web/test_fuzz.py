"""Requests generated from the lab's own OpenAPI schema never crash the server, and every answer is
one its schema describes: a documented status code, content type and body."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from neuronscope.web.app import create_app
from neuronscope.web.jobs import JobQueue


@pytest.fixture(scope="module")
def api_schema(runs_dir, shared_data, tmp_path_factory):
    # generated ImageNet jobs are queued (up to the 429 of a full line) but never run: minutes of CPU each
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(JobQueue, "_work", lambda queue: None)
        app = create_app(runs_dir, shared_data, imagenet_cache=tmp_path_factory.mktemp("imagenet-cache"))
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def _fuzz(operation) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        if "run" in (case.path_parameters or {}) and case.path_parameters["run"][:1].isdigit():
            case.path_parameters["run"] = "mnist-3b1b"  # steer part of the cases to a real run
        response = case.call()
        assert response.status_code < 500, f"{operation.label}: {response.status_code} {response.text[:200]}"
        if response.status_code >= 400:
            assert response.json()["error"]
        case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                                 content_type_conformance, response_schema_conformance])

    check()


def test_every_operation_survives_generated_requests(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    labels = {op.label for op in operations}
    assert {"POST /api/runs/{run}/infer", "GET /api/runs/{run}/neurons/{layer}/{index}"} <= labels
    for operation in operations:
        _fuzz(operation)
