"""Drafts and withdrawn trials (and their status changes) appear in no machine-readable
output: sitemap, feeds, API, structured data."""

import pytest

from trials.events import record_public_change
from trials.models import Publication, Status

from .factories import TrialFactory

pytestmark = pytest.mark.django_db

OUTPUTS = [
    "/sitemap-trials.xml",
    "/en/feed/",
    "/en/feed/changes/",
    "/en/feed/cancer-types/solid-tumors/",
    "/en/feed/cancer-types/neuroblastoma/",
    "/api/v1/trials/",
    "/api/v1/trials/?q=secret",
    "/api/v1/trials/?cancer_type=neuroblastoma&status=recruiting",
    "/api/v1/cancer-types/",
    "/en/trials/public/",
    "/en/cancer-types/neuroblastoma/",
]


def test_no_machine_readable_output_shows_a_trial_that_is_not_public(client, neuroblastoma):
    for name, publication in [
        ("PUBLIC", "published"),
        ("SECRETDRAFT", "draft"),
        ("SECRETGONE", "withdrawn"),
    ]:
        trial = TrialFactory(
            short_name=name,
            cancer_types=[neuroblastoma],
            status=Status.SUSPENDED,
            publication=Publication.PUBLISHED,
        )
        record_public_change(trial.pk)
        trial.status = Status.RECRUITING
        trial.save()
        record_public_change(trial.pk)  # a status change while it was public
        trial.publication = publication
        trial.save()
        record_public_change(trial.pk, reason="withdrawn")
    for url in OUTPUTS:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode().lower()
        if url not in {"/api/v1/trials/?q=secret", "/api/v1/cancer-types/"}:
            assert "public" in text, url  # the public trial is there
        assert "secret" not in text, url
    cancer_types = client.get("/api/v1/cancer-types/").json()
    assert {ct["slug"]: ct["trial_count"] for ct in cancer_types}["neuroblastoma"] == 1
    for slug in ["secretdraft", "secretgone"]:
        assert client.get(f"/api/v1/trials/{slug}/").status_code == 404
        assert client.get(f"/en/feed/cancer-types/{slug}/").status_code == 404
