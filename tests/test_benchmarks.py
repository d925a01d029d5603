"""The hello-world page benchmarks/load.py compares every page with exists only there."""

import importlib

import pytest
from django.urls import clear_url_caches

import trialportal.urls

pytestmark = pytest.mark.django_db


def reload_urls():
    importlib.reload(trialportal.urls)
    clear_url_caches()


@pytest.fixture
def hello_world_on(settings):
    settings.TRIALPORTAL_BENCHMARK_HELLO = True
    reload_urls()
    yield
    settings.TRIALPORTAL_BENCHMARK_HELLO = False
    reload_urls()


def test_there_is_no_hello_world_page_on_a_real_site(client):
    assert client.get("/benchmark/hello/").status_code == 404


def test_the_benchmark_gets_its_hello_world_page(client, hello_world_on):
    response = client.get("/benchmark/hello/")
    assert response.status_code == 200
    assert response.text == "Hello, world\n"
    # The same middleware as every page: security headers and the request id.
    assert "Content-Security-Policy" in response
    assert "X-Request-ID" in response
