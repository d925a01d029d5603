"""Long texts allow paragraphs, lists, links and emphasis, and nothing dangerous."""

import pytest

from trials.models import Trial
from trials.rich_text import sanitize_html

from .admin_forms import ADD_URL, add_form_data
from .factories import ApprovalFactory, TrialFactory

pytestmark = pytest.mark.django_db

# Known XSS payloads, each with the text that must survive it.
PAYLOADS = [
    "<p>Safe text<script>alert('xss')</script></p>",
    '<p>Safe text<img src=x onerror="alert(1)"></p>',
    '<p><a href="javascript:alert(1)">Safe text</a></p>',
    '<p style="position:fixed;top:0" onmouseover="alert(1)">Safe text</p>',
    '<p>Safe text</p><iframe src="https://evil.example/"></iframe>',
    "<p>Safe text<svg onload=alert(1)></svg></p>",
    '<p><a href="JaVaScRiPt:alert(1)">Safe text</a></p>',
    '<p><a href="&#106;avascript:alert(1)">Safe text</a></p>',
    "<p>Safe text<object data='x.swf'></object><embed src='x'></p>",
    "<p>Safe text</p><style>body{display:none}</style>",
    '<p>Safe text<form action="https://evil.example"><input name=x></form></p>',
    "<p>Safe text<!-- <script>alert(1)</script> --></p>",
    "<p><math><mi xlink:href='javascript:alert(1)'>Safe text</mi></math></p>",
]
FORBIDDEN = [
    "<script",
    "onerror",
    "onmouseover",
    "onload",
    "javascript:",
    "style=",
    "<style",
    "<iframe",
    "<svg",
    "<object",
    "<embed",
    "<form",
    "<math",
]


def assert_harmless(html: str):
    lowered = html.lower()
    for forbidden in FORBIDDEN:
        assert forbidden not in lowered, forbidden


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_through_the_admin_never_reaches_the_public_page(staff_client, client, payload):
    data = add_form_data(staff_client, slug="xss", goal=payload, background=payload)
    eligibility = payload + "<p>Children with cancer.</p>"
    response = staff_client.post(ADD_URL, {**data, "eligibility_en": eligibility, "_publish": "1"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    trial = Trial.objects.get(slug="xss")
    assert_harmless(trial.goal + trial.background + trial.eligibility)

    page = client.get("/en/trials/xss/").text
    article = page[page.index("<article") : page.index("</article>")]
    assert_harmless(article)
    if "<math" not in payload:  # nh3 drops MathML with its content
        assert "Safe text" in article


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_saved_outside_the_admin_is_cleaned_too(payload):
    trial = TrialFactory(goal=payload)
    trial.refresh_from_db()
    assert_harmless(trial.goal)


def test_unsafe_html_already_in_the_database_is_cleaned_on_the_way_out(client):
    trial = TrialFactory(slug="legacy")
    Trial.objects.filter(pk=trial.pk).update(goal="<p>Old<script>alert(1)</script></p>")
    ApprovalFactory(trial=trial, note='<p onclick="x()">Approved</p>')
    page = client.get("/en/trials/legacy/").text
    article = page[page.index("<article") : page.index("</article>")]
    assert_harmless(article)
    assert "onclick" not in article
    assert "<p>Old</p>" in article


def test_allowed_formatting_survives():
    html = (
        '<p>One <strong>bold</strong> and <em>emphasis</em>, a <a href="https://www.ccmo.nl/">'
        "link</a>.</p><ul><li>first</li><li>second</li></ul><ol><li>step</li></ol>"
    )
    cleaned = sanitize_html(html)
    for kept in ["<strong>bold</strong>", "<em>emphasis</em>", "<ul><li>first</li>", "<ol>"]:
        assert kept in cleaned
    assert '<a href="https://www.ccmo.nl/" rel="noopener noreferrer nofollow">link</a>' in cleaned


def test_plain_text_becomes_paragraphs_and_is_escaped():
    assert sanitize_html("First.\n\nAges 1 & up, < 18 years") == (
        "<p>First.</p><p>Ages 1 &amp; up, &lt; 18 years</p>"
    )
    assert sanitize_html("") == ""
    assert sanitize_html("<p></p>") == ""


def test_admin_uses_the_prose_editor_for_long_texts(staff_client):
    response = staff_client.get(ADD_URL)
    assert "django_prose_editor" in response.text or "prose-editor" in response.text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_rich_text_is_cleaned_when_it_is_saved(payload):
    from trials.models import Approval, CancerType, GlossaryTerm

    note = ApprovalFactory(note=payload).note
    description = CancerType.objects.create(name="X", slug="x", description=payload).description
    explanation = GlossaryTerm.objects.create(term="X", slug="x", explanation=payload).explanation
    stored = [
        Approval.objects.get().note,
        CancerType.objects.get(slug="x").description,
        GlossaryTerm.objects.get(slug="x").explanation,
    ]
    for html in [note, description, explanation, *stored]:
        assert_harmless(html)


def test_a_link_whose_address_was_unsafe_is_left_as_text():
    assert sanitize_html('<p><a href="javascript:alert(1)">Click</a> here</p>') == (
        "<p>Click here</p>"
    )
    assert sanitize_html('<p><a title="t">No address</a></p>') == "<p>No address</p>"


def test_what_the_editor_cannot_make_is_dropped_but_its_words_kept():
    cleaned = sanitize_html(
        "<h2>Heading</h2><p>A <u>word</u><img src=x></p><ol start='3'><li>x</li></ol>"
    )
    assert (
        "<h2>" not in cleaned
        and "Heading" in cleaned
        and "<u>" not in cleaned
        and "<img" not in cleaned
    )
    assert '<ol start="3">' in cleaned  # numbered lists may start anywhere, as in the editor


def test_the_allow_list_follows_the_editors_configuration(monkeypatch):
    from trials import rich_text

    assert "<h2>" not in sanitize_html("<h2>Heading</h2>")
    monkeypatch.setitem(rich_text.EDITOR_EXTENSIONS, "Heading", {"levels": [2]})
    rich_text._cleaner.cache_clear()
    try:
        assert sanitize_html("<h2>Heading</h2>") == "<h2>Heading</h2>"
    finally:
        monkeypatch.undo()
        rich_text._cleaner.cache_clear()
