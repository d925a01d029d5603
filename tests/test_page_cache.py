"""The page cache: a repeat visit costs one query, and a family never sees a stale page.

Each change that can alter what the public sees is made as staff make it (the admin, the
moderation functions, an import), between two visits to a page that was served from the
cache; the next visit must show the change.
"""

import datetime
import json
import socket

import pytest
import reversion
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import path
from reversion.models import Version

from trials.backup import export_json, import_data
from trials.freshness import conditional_public
from trials.models import (
    Approval,
    Arm,
    ArmStatus,
    GlossaryTerm,
    RegistryNumber,
    SiteSettings,
    SpellingVariant,
    Status,
    Trial,
    TrialInvestigator,
)
from trials.page_cache import GENERATION_KEY, new_generation

from .admin_forms import (
    add_row,
    change_form_data,
    change_url,
    decide,
    rendered_form_data,
    row_index,
    save_through_admin,
)
from .factories import (
    ApprovalFactory,
    ArmFactory,
    CancerTypeFactory,
    InvestigatorFactory,
    RegistryNumberFactory,
    TrialFactory,
)

pytestmark = pytest.mark.django_db

FINDER = "/en/trials/"


@pytest.fixture
def visit(client, django_assert_num_queries):
    """Visit a page twice as a family would; the second visit must come from the cache
    (one query: the version of public content). Returns the page's text."""

    def visit(url, **kwargs):
        first = client.get(url, **kwargs)
        assert first.status_code == 200, url
        with django_assert_num_queries(1):
            again = client.get(url, **kwargs)
        assert again.content == first.content
        return again.text

    return visit


@pytest.fixture
def live(solid_tumors):
    with reversion.create_revision():
        trial = TrialFactory(
            short_name="LIVE",
            slug="live",
            summary="The published summary.",
            status=Status.RECRUITING,
            status_note="",
            cancer_types=[solid_tumors],
        )
        ArmFactory(trial=trial, name="Arm A", status=ArmStatus.OPEN, order=1)
        ApprovalFactory(trial=trial, body="The first ethics committee")
        RegistryNumberFactory(trial=trial, value="NCT01234567")
    return trial


# What is served from the cache, and to whom -------------------------------------------


PUBLIC_URLS = [
    "/en/",
    FINDER,
    "/en/trials/?status=recruiting&q=LIVE",
    "/en/trials/live/",
    "/en/cancer-types/solid-tumors/",
    "/en/glossary/",
    "/en/feed/",
    "/en/feed/changes/",
    "/sitemap.xml",
    "/api/v1/trials/?q=LIVE",
    "/api/v1/trials/live/",
    "/api/v1/cancer-types/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_repeat_visit_is_served_from_the_cache_with_its_validators(visit, client, live, url):
    visit(url)
    hit = client.get(url)
    assert hit["ETag"] and hit["Last-Modified"]
    assert "no-cache" in hit["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": hit["ETag"]}).status_code == 304


def test_a_304_from_a_cached_page_stops_once_something_changes(client, live):
    etag = client.get("/en/trials/live/")["ETag"]
    assert client.get("/en/trials/live/", headers={"If-None-Match": etag}).status_code == 304
    live.summary = "A newer summary."
    live.save()
    response = client.get("/en/trials/live/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "A newer summary." in response.text
    assert response["ETag"] != etag


def test_the_address_language_and_kind_of_answer_each_have_their_own_page(visit, live):
    # The API speaks the language asked for (Accept-Language) at one address (before a
    # page sets the language cookie, which would then decide).
    dutch = visit("/api/v1/trials/live/", headers={"Accept-Language": "nl"})
    english = visit("/api/v1/trials/live/", headers={"Accept-Language": "en"})
    assert '"status_label": "Open voor inclusie"' in dutch
    assert '"status_label": "Open for inclusion"' in english
    TrialFactory(short_name="OTHER", status=Status.COMPLETED)
    assert ">LIVE<" in visit(FINDER + "?status=recruiting")
    assert ">LIVE<" not in visit(FINDER + "?status=completed")
    assert '<html lang="nl">' in visit("/nl/trials/live/")
    assert '<html lang="en">' in visit("/en/trials/live/")
    partial = visit(FINDER, headers={"X-Finder-Partial": "finder"})
    assert "<html" not in partial and "<html" in visit(FINDER)


def test_staff_never_get_or_fill_the_cache(publisher_client, client, live):
    for _ in range(3):
        response = publisher_client.get("/en/trials/live/")
        assert response.status_code == 200
        assert response.context is not None  # rendered, not from the cache
    # Their visits left nothing for families: the next anonymous visit renders the page.
    response = client.get("/en/trials/live/")
    assert response.context is not None


def test_the_staff_preview_of_waiting_changes_never_reaches_families(
    editor_client, client, live, visit
):
    visit("/en/trials/live/")
    data, prefixes = change_form_data(editor_client, live)
    data["summary_en"] = "A change still waiting for approval."
    assert editor_client.post(change_url(live), data).status_code == 302
    preview = editor_client.get("/en/trials/live/preview/")
    assert "A change still waiting for approval." in preview.text
    assert "no-cache" in preview["Cache-Control"]
    page = visit("/en/trials/live/")
    assert "The published summary." in page
    assert "A change still waiting for approval." not in page


def test_a_visitor_with_a_pending_message_gets_a_fresh_page(client, live, visit):
    visit("/en/trials/live/")
    client.cookies["messages"] = "something for this visitor"
    assert client.get("/en/trials/live/").context is not None


calls = []


@conditional_public
def sets_a_cookie(request):
    calls.append("cookie")
    response = HttpResponse("hello")
    response.set_cookie("visitor", "1")
    return response


@conditional_public
def uses_the_csrf_token(request):
    calls.append("csrf")
    return HttpResponse(f"token {get_token(request)}")


@conditional_public
def uses_the_nonce(request):
    calls.append("nonce")
    return HttpResponse(f'<script nonce="{request._csp_nonce}"></script>')


@conditional_public
def fails(request):
    calls.append("404")
    return HttpResponse("gone", status=404)


urlpatterns = [
    path("cookie/", sets_a_cookie),
    path("csrf/", uses_the_csrf_token),
    path("nonce/", uses_the_nonce),
    path("404/", fails),
]


@pytest.mark.parametrize(("url", "name"), [("/cookie/", "cookie"), ("/csrf/", "csrf"),
                                           ("/nonce/", "nonce"), ("/404/", "404")])  # fmt: skip
def test_answers_meant_for_one_visitor_or_failing_are_never_kept(settings, url, name):
    settings.ROOT_URLCONF = __name__
    calls.clear()
    for _ in range(3):
        Client().get(url)
    assert calls == [name] * 3


def test_cached_pages_keep_the_security_headers_with_no_nonce(settings, live):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    browser = Client()
    rendered = browser.get("/en/trials/live/", secure=True)
    cached = browser.get("/en/trials/live/", secure=True)
    assert rendered.context is not None and cached.context is None
    for header in [
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "Permissions-Policy",
        "X-Frame-Options",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "Cross-Origin-Opener-Policy",
    ]:
        assert cached[header] == rendered[header], header
    assert "nonce" not in cached["Content-Security-Policy"]
    assert "'unsafe-inline'" not in cached["Content-Security-Policy"]
    assert not cached.cookies
    assert cached["X-Request-ID"] != rendered["X-Request-ID"]


# Every change the public can see shows at the next visit ---------------------------------


def test_publishing_shows_the_trial(visit, client, live, publisher_client):
    draft = TrialFactory(short_name="NEWLY", slug="newly", publication="draft")
    assert ">NEWLY<" not in visit(FINDER)
    assert client.get("/en/trials/newly/").status_code == 404
    draft.publish(user=publisher_client.user)
    assert ">NEWLY<" in visit(FINDER)
    assert "NEWLY" in visit("/en/trials/newly/")


def test_withdrawing_hides_the_trial(visit, client, live, publisher_client):
    assert ">LIVE<" in visit(FINDER)
    visit("/en/trials/live/")
    live.withdraw(user=publisher_client.user)
    assert ">LIVE<" not in visit(FINDER)
    assert client.get("/en/trials/live/").status_code == 404


def test_a_status_change_by_a_publisher_shows_at_once(visit, live, publisher_client):
    assert '<span class="status status--open">' in visit("/en/trials/live/")
    save_through_admin(publisher_client, live, status=Status.COMPLETED)
    assert '<span class="status status--closed">Completed</span>' in visit("/en/trials/live/")
    assert ">LIVE<" not in visit(FINDER + "?open=1")


def test_a_publishers_save_of_a_published_trial_goes_live(visit, live, publisher_client):
    assert "The published summary." in visit("/en/trials/live/")
    save_through_admin(publisher_client, live, summary="<p>The corrected summary.</p>")
    assert "The corrected summary." in visit("/en/trials/live/")


def test_approving_waiting_changes_shows_them(visit, live, editor_client, publisher_client):
    save_through_admin(editor_client, live, summary="<p>The approved summary.</p>")
    assert "The published summary." in visit("/en/trials/live/")
    assert decide(publisher_client, live, "_approve").status_code == 302
    assert "The approved summary." in visit("/en/trials/live/")


def edit_arm(data, prefixes, trial):
    arm = trial.arms.get(name="Arm A")
    data[f"{prefixes[Arm]}-{row_index(data, prefixes[Arm], arm.pk)}-name_en"] = "Arm renamed"
    return "Arm renamed"


def edit_approval(data, prefixes, trial):
    approval = trial.approvals.get()
    index = row_index(data, prefixes[Approval], approval.pk)
    data[f"{prefixes[Approval]}-{index}-body"] = "The second ethics committee"
    return "The second ethics committee"


def edit_registry_number(data, prefixes, trial):
    number = trial.registry_numbers.get()
    index = row_index(data, prefixes[RegistryNumber], number.pk)
    data[f"{prefixes[RegistryNumber]}-{index}-value"] = "NCT07654321"
    return "NCT07654321"


def add_investigator(data, prefixes, trial):
    investigator = InvestigatorFactory(name="Dr. Newly Added")
    add_row(data, prefixes[TrialInvestigator], {"investigator": str(investigator.pk),
                                                "role": "local_pi", "order": "1"})  # fmt: skip
    return "Dr. Newly Added"


@pytest.mark.parametrize("edit", [edit_arm, edit_approval, edit_registry_number, add_investigator])
def test_a_publishers_edit_of_arms_approvals_numbers_and_investigators_goes_live(
    visit, live, publisher_client, edit
):
    visit("/en/trials/live/")
    data, prefixes = change_form_data(publisher_client, live)
    expected = edit(data, prefixes, live)
    response = publisher_client.post(change_url(live), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert expected in visit("/en/trials/live/")


def test_deleting_a_trial_removes_it(visit, client, live, publisher_client, staff_client):
    assert ">LIVE<" in visit(FINDER)
    visit("/en/trials/live/")
    staff_client.post(f"/admin/trials/trial/{live.pk}/delete/", {"post": "yes"})
    assert ">LIVE<" not in visit(FINDER)
    assert client.get("/en/trials/live/").status_code == 404


def test_restoring_an_earlier_version_shows_it(visit, live, publisher_client):
    save_through_admin(publisher_client, live, summary="<p>A mistaken summary.</p>")
    assert "A mistaken summary." in visit("/en/trials/live/")
    [first, *_] = Version.objects.get_for_object(live).order_by("pk")
    url = f"/admin/trials/trial/{live.pk}/history/{first.pk}/"
    assert (
        publisher_client.post(url, rendered_form_data(publisher_client.get(url))).status_code == 302
    )
    assert "The published summary." in visit("/en/trials/live/")


def test_renaming_or_moving_a_cancer_type_shows_everywhere(visit, live, solid_tumors):
    neuroblastoma = CancerTypeFactory(name="Neuroblastoma", slug="neuroblastoma")
    assert "Solid tumors" in visit("/en/")
    assert "Solid tumors" in visit("/en/cancer-types/solid-tumors/")
    assert ">LIVE<" not in visit("/en/cancer-types/neuroblastoma/")
    solid_tumors.name = "Solid tumours"
    solid_tumors.save()
    assert "Solid tumours" in visit("/en/")
    assert "Solid tumours" in visit("/en/cancer-types/solid-tumors/")
    # Moved under the group: the group's page now names it as one of its types.
    neuroblastoma.parent = solid_tumors
    neuroblastoma.save()
    assert "/en/cancer-types/neuroblastoma/" in visit("/en/cancer-types/solid-tumors/")
    assert ">LIVE<" in visit("/en/cancer-types/neuroblastoma/")


def test_a_glossary_edit_shows_on_the_glossary_and_the_trial_page(visit, live):
    term = GlossaryTerm.objects.create(term="Dose", slug="dose", explanation="<p>How much.</p>")
    assert "How much." in visit("/en/glossary/")
    term.explanation = "<p>How much of a medicine.</p>"
    term.save()
    assert "How much of a medicine." in visit("/en/glossary/")


def test_the_centres_contact_details_show_at_once(visit, live):
    site = SiteSettings.load()
    site.phone = "+31 88 000 00 01"
    site.save()
    assert "+31 88 000 00 01" in visit("/en/trials/live/")
    site.phone = "+31 88 000 00 02"
    site.save()
    assert "+31 88 000 00 02" in visit("/en/trials/live/")
    assert "+31 88 000 00 02" in visit("/en/")


def test_a_new_spelling_variant_changes_search_results(visit, live):
    live.summary = "For children with a glioma (gliomae)."
    live.save()
    assert ">LIVE<" not in visit(FINDER + "?q=gliomma")
    SpellingVariant.objects.create(spelling="glioma", variant="gliomma")
    assert ">LIVE<" in visit(FINDER + "?q=gliomma")


def test_an_import_replaces_what_families_see(visit, client, live):
    exported = json.loads(export_json())
    for row in exported:
        if row["model"] == "trials.trial":
            row["fields"]["summary_en"] = "The imported summary."
    assert "The published summary." in visit("/en/trials/live/")
    import_data(exported, replace=True)
    assert "The imported summary." in visit("/en/trials/live/")


def test_the_changes_feed_shows_a_trial_opening(
    visit, live, publisher_client, django_capture_on_commit_callbacks
):
    live.status = Status.NOT_YET_RECRUITING
    live.save()
    feed = visit("/en/feed/changes/")
    with django_capture_on_commit_callbacks(execute=True):
        save_through_admin(publisher_client, live, status=Status.RECRUITING)
    assert visit("/en/feed/changes/") != feed


def test_a_new_day_renders_the_pages_again(visit, live, monkeypatch):
    # "Review overdue" notices depend on the date, not on any saved change.
    visit("/en/trials/live/")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: tomorrow)
    assert Client().get("/en/trials/live/").context is not None


def test_an_announced_change_renders_the_pages_again_even_unstamped(
    visit, live, django_capture_on_commit_callbacks
):
    # A script's QuerySet.update() touches no updated_at; announcing it is enough.
    visit("/en/trials/live/")
    Trial.objects.filter(pk=live.pk).update(summary="Updated by a script.")
    from trials.signals import announce_public_change

    with django_capture_on_commit_callbacks(execute=True):
        announce_public_change(live.pk, reason="changed")
    assert "Updated by a script." in visit("/en/trials/live/")


def test_a_lost_generation_renders_the_pages_again(visit, live):
    visit("/en/trials/live/")
    new_generation()
    assert Client().get("/en/trials/live/").context is not None
    cache.delete(GENERATION_KEY)
    assert Client().get("/en/trials/live/").context is not None


# A shared cache (Redis) -----------------------------------------------------------------


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(not redis_is_running(), reason="no Redis server at 127.0.0.1:6379")


@pytest.fixture
def redis_cache(settings, worker_id):
    """The cache production uses with REDIS_URL (settings.CACHES)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "trialportal.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/5",
            "KEY_PREFIX": f"test-page-cache-{worker_id}",
        }
    }
    yield cache
    cache.delete_many([GENERATION_KEY])


@needs_redis
def test_pages_are_shared_through_redis(redis_cache, visit, live):
    try:
        assert "The published summary." in visit("/en/trials/live/")
        live.summary = "Changed while cached in Redis."
        live.save()
        assert "Changed while cached in Redis." in visit("/en/trials/live/")
    finally:
        cache.clear()


@needs_redis
def test_the_redis_cache_keeps_one_client_for_every_read_and_write(redis_cache, worker_id):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.set("one", 1)
    redis_cache.set_many({"two": 2, "three": 3})
    assert redis_cache.get_many(["one", "two", "three", "none"]) == {"one": 1, "two": 2, "three": 3}
    redis_cache.delete_many(["one", "two", "three"])
    assert redis_cache.get("one") is None
    assert redis_cache._cache.get_client() is client
