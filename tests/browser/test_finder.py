import pytest
from axe_playwright_python.sync_playwright import Axe

from trials.models import ArmStatus, Status

from ..factories import ArmFactory, TrialFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def neuroblastoma_trial(neuroblastoma):
    trial = TrialFactory(
        short_name="NBL-EXAMPLE",
        slug="nbl-example",
        cancer_types=[neuroblastoma],
        status=Status.RECRUITING,
    )
    ArmFactory(trial=trial, name="Arm A", status=ArmStatus.OPEN)
    return trial


def test_family_reaches_a_trial_from_home_by_cancer_type(live_server, page, neuroblastoma_trial):
    page.goto(live_server.url)
    page.get_by_role("link", name="Neuroblastoma").click()
    page.get_by_role("link", name="NBL-EXAMPLE").click()
    assert page.url == f"{live_server.url}/trials/nbl-example/"
    assert page.get_by_role("heading", level=1).inner_text().startswith("NBL-EXAMPLE")


def test_phone_viewport_has_no_horizontal_scroll(live_server, phone_page, neuroblastoma_trial):
    for path in ["/", "/trials/", "/trials/nbl-example/"]:
        phone_page.goto(live_server.url + path)
        overflow = phone_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path


@pytest.mark.parametrize(
    "path", ["/", "/trials/", "/trials/?status=recruiting", "/trials/nbl-example/"]
)
def test_pages_have_no_axe_violations(live_server, page, neuroblastoma_trial, path):
    page.goto(live_server.url + path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
