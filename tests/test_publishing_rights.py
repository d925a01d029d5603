"""Only a Publisher changes what the public sees: every way into the trial admin, tried as an
Editor with every button the admin knows, leaves the public site exactly as it was."""

import re

import pytest
import reversion
from django.utils import timezone
from reversion.models import Version

from trials.models import Publication, Trial

from .admin_forms import (
    ADD_URL,
    CHANGELIST_URL,
    change_url,
    changes_url,
    rendered_form_data,
    save_through_admin,
)
from .factories import ArmFactory, CancerTypeFactory, TrialFactory

pytestmark = pytest.mark.django_db

# Every submit button of the trial admin: Django's, the publishing and review buttons, the
# publisher's "save as changes awaiting approval" and the decisions on waiting changes.
SUBMIT_KEYS = [
    "_save",
    "_continue",
    "_addanother",
    "_saveasnew",
    "_publish",
    "_withdraw",
    "_mark_reviewed",
    "_submit_for_approval",
    "_approve",
    "_send_back",
    "_discard",
]
PAGE_KINDS = ["change", "restore", "changes", "delete"]
PUBLICATION_FIELDS = [
    "pk",
    "publication",
    "published_at",
    "published_by",
    "withdrawn_at",
    "withdrawn_by",
]


@pytest.fixture
def site(second_editor_client, staff_client):
    """A published trial with changes waiting (by another editor), a withdrawn trial, a
    draft and a deleted trial, each with a recorded version."""
    group = CancerTypeFactory(name="Solid tumors")
    trials = {}
    for name, publication in [
        ("live", Publication.PUBLISHED),
        ("withdrawn", Publication.WITHDRAWN),
        ("draft", Publication.DRAFT),
        ("deleted", Publication.PUBLISHED),
    ]:
        with reversion.create_revision():
            reversion.set_comment("First version.")
            trial = TrialFactory(
                slug=name,
                short_name=name.upper(),
                publication=publication,
                published_at=timezone.now(),
                cancer_types=[group],
            )
            ArmFactory(trial=trial, name="Arm A")
        trials[name] = trial
    save_through_admin(second_editor_client, trials["live"], summary="Waiting words.")
    staff_client.post(f"/admin/trials/trial/{trials['deleted'].pk}/delete/", {"post": "yes"})
    return trials


def public_site(client) -> dict:
    """What a family can load, as they would see it: the finder (every public trial's
    card), the one public trial page, and the trials that must stay out of sight."""
    slugs = ["live", "withdrawn", "draft", "deleted", "crafted-copy"]
    urls = ["/en/trials/", *[f"/en/trials/{slug}/" for slug in slugs]]
    return {
        url: (r.status_code, without_tokens(r.content)) for url in urls for r in [client.get(url)]
    }


def without_tokens(html: bytes) -> bytes:
    """The page less its CSRF token (the follow form's), which is new on every response."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)


def publication_state() -> dict:
    return {row[0]: row for row in Trial.objects.values_list(*PUBLICATION_FIELDS)}


def assert_nothing_published(before: dict, context) -> None:
    """Existing trials keep their state; a trial an Editor added (a copy, a recovered
    trial) is a draft that was never published."""
    after = publication_state()
    for pk, row in after.items():
        if pk in before:
            assert row == before[pk], context
        else:
            assert row[1:] == ("draft", None, None, None, None), context


# Every trial admin page that has a form to post, for each kind of trial.
PAGES = [
    ("add", None),
    ("recover", "deleted"),
    *[(page, name) for name in ["live", "withdrawn", "draft"] for page in PAGE_KINDS],
]


def admin_url(page: str, trial) -> str:
    if page == "add":
        return ADD_URL
    if page == "recover":
        deleted = Version.objects.get_deleted(Trial).get(object_id=str(trial.pk))
        return f"/admin/trials/trial/recover/{deleted.pk}/"
    first = Version.objects.get_for_object(trial).order_by("pk").first()
    return {
        "change": change_url(trial),
        "restore": f"/admin/trials/trial/{trial.pk}/history/{first.pk}/",
        "changes": changes_url(trial),
        "delete": f"/admin/trials/trial/{trial.pk}/delete/",
    }[page]


def form_for(editor_client, url, trials) -> dict:
    """What the page at `url` posts back, edited so that any save would change content."""
    response = editor_client.get(url)
    if response.status_code != 200:
        return {}
    context = response.context
    if "adminform" in context:
        data = rendered_form_data(response)
        data.update({"summary_en": "Crafted by an editor.", "slug": "crafted-copy"})
        return data
    data = {"post": "yes", "comment": "Crafted."}
    if context.get("change") is not None:
        data["change"] = str(context["change"].pk)
    return data


@pytest.mark.parametrize(("page", "trial_name"), PAGES)
def test_no_button_on_any_trial_admin_page_lets_an_editor_change_the_public_site(
    editor_client, client, site, page, trial_name
):
    url = admin_url(page, site.get(trial_name))
    public, published = public_site(client), publication_state()
    for key in SUBMIT_KEYS:
        data = form_for(editor_client, url, site)

        response = editor_client.post(url, {**data, key: "1"})

        assert response.status_code < 500, key
        assert_nothing_published(published, key)
        assert public_site(client) == public, key
        Trial.objects.exclude(pk__in=published).delete()  # for the next button


@pytest.mark.parametrize("action", ["publish_trials", "withdraw_trials", "mark_trials_reviewed"])
def test_no_bulk_action_lets_an_editor_change_the_public_site(editor_client, client, site, action):
    public, published = public_site(client), publication_state()

    response = editor_client.post(
        CHANGELIST_URL,
        {"action": action, "_selected_action": [t.pk for t in Trial.objects.all()]},
    )

    assert response.status_code < 500
    assert_nothing_published(published, action)
    assert public_site(client) == public
