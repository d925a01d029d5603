"""Structured logs: one JSON object per line, each with its request's id; audit events
for publishing; nothing personal."""

import io
import json
import logging

import pytest

from trialportal.logs import JSONFormatter, RequestIDFilter
from trials.models import Publication

from .admin_forms import change_form_data
from .factories import TrialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """What the production handler writes, as parsed objects."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestIDFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_each_request_writes_one_json_access_line_without_its_query_string(client, log_lines):
    response = client.get("/en/trials/?q=neuroblastoma+my+son+aged+4")

    [line] = [line for line in log_lines() if line["logger"] == "trialportal.access"]
    assert line["method"] == "GET"
    assert line["path"] == "/en/trials/"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response["X-Request-ID"]
    assert "neuroblastoma" not in json.dumps(log_lines())


def test_a_sane_request_id_from_the_proxy_is_kept(client, log_lines):
    response = client.get("/en/", HTTP_X_REQUEST_ID="edge-7f3a9c21-0001")
    assert response["X-Request-ID"] == "edge-7f3a9c21-0001"
    assert {line["request_id"] for line in log_lines()} == {"edge-7f3a9c21-0001"}


@pytest.mark.parametrize(
    "incoming", ["short", "x" * 300, "bad id with spaces", 'inj"ected\nline', "ünïcode-123456"]
)
def test_an_odd_request_id_is_replaced(client, incoming):
    response = client.get("/en/", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_publishing_is_an_audit_event_with_ids_only(
    publisher_client, log_lines, django_capture_on_commit_callbacks
):
    trial = TrialFactory(publication=Publication.DRAFT, short_name="ESMART")
    data, _ = change_form_data(publisher_client, trial)

    with django_capture_on_commit_callbacks(execute=True):
        publisher_client.post(f"/admin/trials/trial/{trial.pk}/change/", {**data, "_publish": "1"})

    [event] = [line for line in log_lines() if line["logger"] == "trialportal.audit"]
    assert event["message"] == event["event"] == "publish"
    assert event["user_id"] == publisher_client.user.pk
    assert (event["object_type"], event["object_id"]) == ("trial", trial.pk)
    assert "publisher" not in json.dumps(event), "no username"


class audit_records:
    """The audit log's records while the block runs."""

    def __enter__(self):
        self.records = []
        self.handler = logging.Handler()
        self.handler.emit = self.records.append
        logging.getLogger("trialportal.audit").addHandler(self.handler)
        return self.records

    def __exit__(self, *exc):
        logging.getLogger("trialportal.audit").removeHandler(self.handler)


def test_withdrawing_is_an_audit_event(publisher_client, django_capture_on_commit_callbacks):
    trial = TrialFactory(publication=Publication.PUBLISHED)
    with audit_records() as records, django_capture_on_commit_callbacks(execute=True):
        trial.withdraw(user=publisher_client.user)
    assert [(r.event, r.user_id, r.object_id) for r in records] == [
        ("withdraw", publisher_client.user.pk, trial.pk)
    ]


def test_a_publish_that_is_rolled_back_is_not_logged(publisher_client):
    trial = TrialFactory(publication=Publication.DRAFT)
    with audit_records() as records:
        trial.publish(user=publisher_client.user)  # the test's transaction never commits
    assert records == []


def test_errors_carry_the_traceback_but_not_the_request(rf, log_lines):
    request = rf.get("/en/trials/?q=private", HTTP_COOKIE="sessionid=secret")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("django.request").exception(
            "Internal Server Error: %s",
            request.path,
            extra={"status_code": 500, "request": request},
        )

    [line] = log_lines()
    assert line["level"] == "ERROR"
    assert line["status_code"] == 500
    assert "ValueError: boom" in line["exception"]
    assert "request" not in line
    assert "secret" not in json.dumps(line)
