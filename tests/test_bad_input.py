"""Addresses no real link produces still get an answer, never a server error."""

import pytest

from .factories import TrialFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/en/trials/?q=%00",
        "/en/trials/?phase=%00",
        "/admin/trials/trial/?status__exact=%00",
        "/admin/autocomplete/?app_label=trials&model_name=trial&field_name=sponsor&term=%00",
    ],
)
def test_nul_characters_get_a_plain_400(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 400
    assert "cannot read" in response.text


@pytest.mark.parametrize(
    "query",
    [
        "age=1e5",
        "age=%F0%9F%98%80",
        "page=1.5",
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "cancer_type=" + "x" * 5000,
        "sort=" + "y" * 5000,
        "setting=" + "z" * 5000,
        "age_unit=months&age=",
        "open=1&open=1&open=0",
    ],
)
def test_odd_finder_queries_are_answered_calmly(client, query):
    TrialFactory()
    response = client.get(f"/en/trials/?{query}")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert len(response.content) < 60_000


@pytest.mark.parametrize(
    "url",
    [
        "/en/cancer-types/%F0%9F%98%80/",
        "/en/trials/no-such/preview/",
        "/en/trials/%00/",
        "/en/glossary/?x=1",
    ],
)
def test_odd_public_urls_are_not_server_errors(client, url):
    assert client.get(url).status_code in {200, 302, 400, 404}
