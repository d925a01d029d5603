"""'Email me when this changes': double opt-in, one digest a day, one-click unsubscribe,
addresses kept only while they follow something, and nothing sent inside a request."""

import datetime
import re
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from follow import receivers
from follow.models import Subscription
from follow.tasks import delete_unconfirmed_subscriptions, send_digests
from trials.events import record_public_change
from trials.models import ArmStatus, Publication, Status
from trials.signals import announce_public_change

from .factories import ArmFactory, CancerTypeFactory, TrialFactory

pytestmark = pytest.mark.django_db

ADDRESS = "parent@example.org"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_gathering(monkeypatch):
    """Digests are normally held back a few minutes to gather changes made together."""
    monkeypatch.setattr(receivers, "GATHER_CHANGES_FOR", datetime.timedelta(0))


@pytest.fixture
def esmart(db):
    trial = TrialFactory(short_name="ESMART", subtitle="", status=Status.SUSPENDED)
    ArmFactory(trial=trial, name="Arm A", status=ArmStatus.OPEN)
    record_public_change(trial.pk)  # the baseline, as the migration records it
    return trial


def run_worker():
    """The real worker, in this test's transaction: it must not close the connection it
    shares with the test (it does between tasks, to drop stale connections)."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def link(message, name):
    return re.search(
        rf"http://127\.0\.0\.1:8000(/(?:en|nl)/follow/{name}/[^/\s]+/)", message.body
    ).group(1)


def subscribe(client, target_url, email=ADDRESS, **extra):
    return client.post(target_url, {"email": email, "website": "", **extra})


def change(trial, capture, **fields):
    for name, value in fields.items():
        setattr(trial, name, value)
    trial.save()
    with capture(execute=True):
        announce_public_change(trial.pk, reason="changed")


def test_subscription_lifecycle(client, esmart, no_gathering, django_capture_on_commit_callbacks):
    # Subscribe: nothing is sent inside the request, only queued.
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, "/en/follow/trials/esmart/")
    assert response.status_code == 302 and response.url == "/en/follow/check-your-inbox/"
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(task_path="follow.tasks.send_confirmation").exists()
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.trial, subscription.is_confirmed) == (
        ADDRESS,
        esmart,
        False,
    )

    # The worker sends the confirmation email with a signed link.
    run_worker()
    [confirmation] = mail.outbox
    assert confirmation.to == [ADDRESS]
    assert "ESMART" in confirmation.subject
    confirm_url = link(confirmation, "confirm")
    assert "parent" not in confirm_url  # the address is not in the link
    assert "Arm" not in confirmation.body
    page = client.get(confirm_url)
    assert page.status_code == 200 and "Yes, email me" in page.text
    assert not Subscription.objects.get().is_confirmed  # opening the link is not enough
    assert client.post(confirm_url).status_code == 200
    assert Subscription.objects.get().is_confirmed

    # Changes: the trial opens and an arm closes -> one digest with both.
    mail.outbox.clear()
    change(esmart, django_capture_on_commit_callbacks, status=Status.RECRUITING)
    arm = esmart.arms.get()
    arm.status = ArmStatus.CLOSED
    arm.save()
    with django_capture_on_commit_callbacks(execute=True):
        announce_public_change(esmart.pk, reason="changed")
    run_worker()
    [digest] = mail.outbox
    assert digest.to == [ADDRESS]
    assert "ESMART is now open for inclusion" in digest.body
    assert "ESMART: study arm “Arm A” is now closed for inclusion" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Another change the same day waits for tomorrow's digest.
    mail.outbox.clear()
    change(esmart, django_capture_on_commit_callbacks, status=Status.ACTIVE_NOT_RECRUITING)
    run_worker()
    assert mail.outbox == []
    waiting = DBTaskResult.objects.filter(
        task_path="follow.tasks.send_digests", status="READY"
    ).get()
    assert waiting.run_after > timezone.now() + datetime.timedelta(hours=23)
    Subscription.objects.update(last_digest_at=timezone.now() - datetime.timedelta(days=1))
    send_digests.call()
    [tomorrow] = mail.outbox
    assert "ESMART is now closed for inclusion" in tomorrow.body
    assert "open for inclusion" not in tomorrow.body.replace("closed for inclusion", "")

    # One click in the mail program (RFC 8058): a POST without a CSRF token.
    unsubscribe_url = re.search(
        r"<http://127\.0\.0\.1:8000([^>]+)>", tomorrow.extra_headers["List-Unsubscribe"]
    ).group(1)
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(unsubscribe_url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "No more emails" in response.text
    assert not Subscription.objects.filter(email=ADDRESS).exists()
    # The link keeps saying so.
    assert "No more emails" in client.get(unsubscribe_url).text


def test_the_unsubscribe_link_in_the_text_stops_one_subscription(
    client, esmart, solid_tumors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "/en/follow/trials/esmart/")
        subscribe(client, "/en/follow/cancer-types/solid-tumors/")
    run_worker()
    esmart_mail = next(m for m in mail.outbox if "ESMART" in m.subject)
    stop_url = link(esmart_mail, "unsubscribe")
    assert "Stop emails about ESMART?" in client.get(stop_url).text
    client.post(stop_url)
    assert [str(s.target) for s in Subscription.objects.all()] == ["Solid tumors"]


def test_unconfirmed_addresses_are_deleted_after_seven_days(
    client, esmart, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "/en/follow/trials/esmart/")
    run_worker()
    confirm_url = link(mail.outbox[0], "confirm")
    expiry = DBTaskResult.objects.get(task_path="follow.tasks.delete_unconfirmed_subscriptions")
    assert expiry.run_after > timezone.now() + datetime.timedelta(days=6, hours=23)

    Subscription.objects.update(requested_at=timezone.now() - datetime.timedelta(days=6))
    delete_unconfirmed_subscriptions.call()
    assert Subscription.objects.exists()
    Subscription.objects.update(requested_at=timezone.now() - datetime.timedelta(days=7, minutes=1))
    delete_unconfirmed_subscriptions.call()
    assert not Subscription.objects.exists()
    response = client.get(confirm_url)
    assert response.status_code == 400 and "This link does not work" in response.text


def test_a_confirmation_link_expires_after_seven_days(
    client, esmart, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "/en/follow/trials/esmart/")
    run_worker()
    confirm_url = link(mail.outbox[0], "confirm")
    eight_days_later = time.time() + 8 * 24 * 60 * 60
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_later)
    response = client.post(confirm_url)
    assert response.status_code == 400 and "This link does not work" in response.text
    assert not Subscription.objects.get().is_confirmed


def test_a_confirmed_address_is_kept(client, esmart, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "/en/follow/trials/esmart/")
    run_worker()
    client.post(link(mail.outbox[0], "confirm"))
    Subscription.objects.update(requested_at=timezone.now() - datetime.timedelta(days=30))
    delete_unconfirmed_subscriptions.call()
    assert Subscription.objects.filter(email=ADDRESS).exists()


def test_nothing_tells_whether_an_address_was_already_subscribed(
    client, esmart, django_capture_on_commit_callbacks
):
    answers = []
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(subscribe(client, "/en/follow/trials/esmart/"))
        run_worker()
    client.post(link(mail.outbox[-1], "confirm"))
    with django_capture_on_commit_callbacks(execute=True):
        answers.append(subscribe(client, "/en/follow/trials/esmart/"))
    run_worker()
    assert {(a.status_code, a.url) for a in answers} == {(302, "/en/follow/check-your-inbox/")}
    bodies = {re.sub(r"/en/follow/\w+/[^/\s]+/", "LINK", m.body) for m in mail.outbox}
    subjects = {m.subject for m in mail.outbox}
    assert len(mail.outbox) == 3 and len(bodies) == 1 and len(subjects) == 1
    assert Subscription.objects.count() == 1


def test_the_honeypot_catches_bots_without_telling_them(
    client, esmart, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, "/en/follow/trials/esmart/", website="http://spam.example")
    assert response.status_code == 302 and response.url == "/en/follow/check-your-inbox/"
    assert not Subscription.objects.exists() and not DBTaskResult.objects.exists()


def test_one_address_gets_at_most_three_confirmation_emails_an_hour(
    client, esmart, django_capture_on_commit_callbacks
):
    for _attempt in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = subscribe(client, "/en/follow/trials/esmart/", email=" Parent@Example.org ")
        assert response.status_code == 302  # the same answer every time
    run_worker()
    assert len(mail.outbox) == 3


def test_one_connection_gets_at_most_twenty_requests_an_hour(client, esmart):
    for number in range(20):
        response = subscribe(client, "/en/follow/trials/esmart/", email=f"p{number}@example.org")
        assert response.status_code == 302
    response = subscribe(client, "/en/follow/trials/esmart/", email="late@example.org")
    assert response.status_code == 429
    assert "Please try again later" in response.text
    assert not Subscription.objects.filter(email="late@example.org").exists()


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "x" * 250 + "@example.org"])
def test_a_wrong_address_is_explained_and_kept_in_the_form(client, esmart, email):
    response = subscribe(client, "/en/follow/trials/esmart/", email=email)
    assert response.status_code == 400
    assert (
        "Enter your email address." in response.text
        or "Enter an email address like" in response.text
        or "at most" in response.text
    )
    assert 'aria-invalid="true"' in response.text
    assert not Subscription.objects.exists()


def test_cancer_type_followers_hear_of_new_trials_by_the_finders_rule(
    client,
    solid_tumors,
    neuroblastoma,
    leukemia,
    no_gathering,
    django_capture_on_commit_callbacks,
    django_user_model,
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "/en/follow/cancer-types/neuroblastoma/")
    run_worker()
    client.post(link(mail.outbox[0], "confirm"))
    mail.outbox.clear()
    publisher = django_user_model.objects.create_user("publisher")
    for name, cancer_type in [("ALL-SOLID", solid_tumors), ("AML-ONLY", leukemia)]:
        trial = TrialFactory(
            short_name=name, cancer_types=[cancer_type], publication=Publication.DRAFT
        )
        with django_capture_on_commit_callbacks(execute=True):
            trial.publish(user=publisher)
    run_worker()
    [digest] = mail.outbox
    assert "New trial: ALL-SOLID" in digest.body  # a trial for the whole group
    assert "AML-ONLY" not in digest.body


def test_withdrawn_trials_and_drafts_are_never_mailed(
    client, esmart, no_gathering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "/en/follow/trials/esmart/")
    run_worker()
    client.post(link(mail.outbox[0], "confirm"))
    mail.outbox.clear()
    change(esmart, django_capture_on_commit_callbacks, status=Status.RECRUITING)
    esmart.publication = Publication.WITHDRAWN
    esmart.save()  # withdrawn before the digest goes out
    run_worker()
    assert mail.outbox == []
    assert client.get("/en/follow/trials/esmart/").status_code == 404


def test_the_subscribers_language_is_kept_for_their_emails(
    client, esmart, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/nl/follow/trials/esmart/", {"email": ADDRESS})
    assert Subscription.objects.get().language == "nl"
    run_worker()
    html = mail.outbox[0].alternatives[0].content
    assert '<html lang="nl">' in html
    # Its links lead to the Dutch pages.
    assert link(mail.outbox[0], "confirm").startswith("/nl/follow/confirm/")


def test_trial_and_cancer_type_pages_offer_the_form_with_a_privacy_line(
    client, esmart, solid_tumors
):
    for url in ["/en/trials/esmart/", "/en/cancer-types/solid-tumors/"]:
        html = client.get(url).text
        form = re.search(r'<form class="follow__form" method="post" action="([^"]+)"', html)
        assert form and form.group(1).startswith("/en/follow/")
        # No CSRF token: the page is the same for everyone (served from the page cache).
        assert "csrfmiddlewaretoken" not in html
        assert "delete it after 7 days if you do not confirm" in html
        assert "<script>" not in html


def test_tampered_links_are_refused(client, esmart):
    assert client.get("/en/follow/confirm/WzEsIm5vIl0:1xVxsv:forged/").status_code == 400
    assert client.post("/en/follow/unsubscribe/WzEsIm5vIl0:1xVxsv:forged/").status_code == 400


@pytest.mark.parametrize("fetch_site", ["same-origin", "none", None])
def test_the_form_needs_no_token_from_this_site(client, esmart, fetch_site):
    extra = {"HTTP_SEC_FETCH_SITE": fetch_site} if fetch_site else {}
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(
        "/en/follow/trials/esmart/", {"email": ADDRESS, "website": ""}, **extra
    )
    assert response.status_code == 302
    assert Subscription.objects.filter(email=ADDRESS).exists()


@pytest.mark.parametrize("page", ["trial", "cancer type"])
def test_a_form_on_another_site_cannot_post_to_the_follow_form(client, esmart, page):
    if page == "trial":
        url = "/en/follow/trials/esmart/"
    else:
        url = f"/nl/follow/cancer-types/{CancerTypeFactory().slug}/"
    response = client.post(url, {"email": ADDRESS, "website": ""}, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert not Subscription.objects.exists()
