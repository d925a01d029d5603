"""Production serves static files under hashed, compressed names (whitenoise)."""

import pytest
from django.core.management import call_command
from django.template import Context, Template


@pytest.fixture
def production_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_collected_static_files_have_hashed_and_compressed_copies(production_static):
    css = list((production_static / "css").glob("site.*.css"))
    assert css, "no hashed site.css"
    assert list((production_static / "css").glob("site.*.css.gz"))
    assert list((production_static / "js").glob("finder.*.js"))


def test_pages_link_the_hashed_names(production_static):
    html = Template("{% load static %}{% static 'css/site.css' %}").render(Context())
    assert html.startswith("/static/css/site.") and html != "/static/css/site.css"
