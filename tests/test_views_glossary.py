import pytest

from trials.models import GlossaryTerm

from .factories import TrialFactory

pytestmark = pytest.mark.django_db


def test_glossary_page_lists_the_terms_staff_wrote(client):
    response = client.get("/en/glossary/")
    assert response.status_code == 200
    # The data migration seeds the first explanations.
    assert '<dt id="phase">Phase</dt>' in response.text
    assert "Relapsed means the cancer has come back after treatment." in response.text


def test_trial_page_explains_words_inline_with_the_staff_text(client):
    GlossaryTerm.objects.filter(slug="phase").update(explanation="Phases are steps, edited.")
    trial = TrialFactory()
    text = client.get(trial.get_absolute_url()).text
    assert "What does “Phase” mean?" in text
    assert "Phases are steps, edited." in text


def test_a_deleted_term_is_simply_not_explained(client):
    GlossaryTerm.objects.filter(slug="phase").delete()
    text = client.get(TrialFactory().get_absolute_url()).text
    assert "What does “Phase” mean?" not in text


def test_the_glossary_is_in_the_main_navigation(client, db):
    text = client.get("/en/").text
    nav = text[text.index('<nav aria-label="Main">') : text.index("</nav>")]
    assert '<a href="/en/glossary/">Words explained</a>' in nav


@pytest.mark.parametrize(
    "word",
    [
        "Randomised",
        "Placebo",
        "Informed consent",
        "By invitation only",
        "Refractory",
        "Relapse",
        "Study arm",
        "Cohort",
        "Open arm",
        "Status not confirmed",
    ],
)
def test_the_glossary_explains_the_words_families_meet(client, db, word):
    assert f'">{word}</dt>' in client.get("/en/glossary/").text
