"""The centre's settings: how families reach the trial office, and the centre's own look."""

import base64
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reversion.models import Version

from trials.models import SiteSettings

from .factories import TrialFactory

pytestmark = pytest.mark.django_db

ADMIN_URL = "/admin/trials/sitesettings/"
CHANGE_URL = f"{ADMIN_URL}1/change/"


def png(width=120, height=40) -> bytes:
    """A real, tiny PNG of the given size."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\0" + b"\x1f\x5f\x8b" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


SVG_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 50">'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="#1f5f8b"/></linearGradient></defs>'
    b'<rect width="200" height="50" fill="url(#g)"/></svg>'
)


@pytest.fixture
def office(db):
    centre = SiteSettings.load()
    centre.centre_name = "Example Children's Hospital"
    centre.phone = "+31 (0)88 972 72 72"
    centre.email = "trials@example.org"
    centre.opening_hours = "Monday to Friday, 9:00 to 17:00"
    centre.how_to_take_part = "<p>Talk to your child's doctor first.</p>"
    centre.international_patients = "Families from abroad: ask about a referral."
    centre.save()
    return centre


def form_data(centre, **changes):
    data = {
        "centre_name": centre.centre_name,
        "centre_country": centre.centre_country,
        "phone": centre.phone,
        "email": centre.email,
        "opening_hours_en": centre.opening_hours,
        "how_to_take_part_en": centre.how_to_take_part,
        "international_patients_en": centre.international_patients,
        "international_patients_url": centre.international_patients_url,
        "logo_alt": centre.logo_alt,
        "brand_colour": centre.brand_colour,
        "header_colour": centre.header_colour,
        "font_scope": centre.font_scope,
    }
    data.update(changes)
    return data


# Contact details wherever a family is -----------------------------------------------------


def test_home_finder_and_trial_page_show_how_to_reach_the_trial_office(client, office):
    trial = TrialFactory(short_name="ESMART")
    for url in ["/en/", "/en/trials/", trial.get_absolute_url()]:
        text = client.get(url).text
        assert '<a href="tel:+31889727272">+31 (0)88 972 72 72</a>' in text, url
        assert "trials@example.org</a>" in text, url
        assert "Monday to Friday, 9:00 to 17:00" in text, url
    home = client.get("/en/").text
    assert "Talk to your child's doctor first." in home
    assert "Families from abroad: ask about a referral." in home


def test_the_trial_page_asks_by_email_with_the_trials_name_as_subject(client, office):
    trial = TrialFactory(short_name="ESMART")
    text = client.get(trial.get_absolute_url()).text
    assert (
        'href="mailto:trials@example.org?subject=Question%20about%20the%20trial%20ESMART"' in text
    )


def test_a_trial_may_name_its_own_research_nurse(client, office):
    trial = TrialFactory(
        short_name="ESMART",
        contact_name="J. Jansen, research nurse",
        contact_phone="+31 88 000 1111",
    )
    text = client.get(trial.get_absolute_url()).text
    key_facts = text[text.index("Key facts") : text.index('class="trial__body"')]
    assert "J. Jansen, research nurse" in key_facts
    assert 'href="tel:+31880001111"' in key_facts
    # No email of its own: the trial office's, still with the trial's name.
    assert "mailto:trials@example.org?subject=Question%20about%20the%20trial%20ESMART" in key_facts
    assert "tel:+31889727272" not in key_facts


def test_without_contact_details_the_pages_point_to_the_childs_doctor(client, db):
    trial = TrialFactory()
    text = client.get(trial.get_absolute_url()).text
    assert "Ask your child's doctor, who can contact the trial office" in text
    assert "tel:" not in text


def test_the_centre_name_comes_from_the_settings_row(client, office):
    text = client.get("/en/").text
    assert "<title>Clinical trials for children with cancer · Example Children&#x27;s Hospital" in (
        text
    )


# The centre's look ------------------------------------------------------------------------


def test_brand_colours_reach_pages_through_a_versioned_stylesheet(client, office):
    office.brand_colour = "#7a1f5c"
    office.header_colour = "#123456"
    office.save()
    page = client.get("/en/").text
    url = f"/centre/{office.version}/style.css"
    assert f'<link rel="stylesheet" href="{url}">' in page
    assert " style=" not in page and "<style" not in page
    response = client.get(url)
    css = response.content.decode()
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "--color-accent: #7a1f5c;" in css
    assert "--color-header-bg: #123456;" in css
    assert "--color-header-text: #ffffff;" in css  # white reads best on dark blue
    assert "max-age=31536000" in response["Cache-Control"]
    # An old address (a page cached before the change) gets the new colours, briefly cached.
    stale = client.get("/centre/1/style.css")
    assert "#7a1f5c" in stale.content.decode()
    assert "max-age=300" in stale["Cache-Control"]


@pytest.mark.parametrize(
    ("field", "colour", "message"),
    [
        ("brand_colour", "#7fb3d5", "for links on the page background; WCAG 2.2 AA needs"),
        ("brand_colour", "#ffd700", "has a contrast of 1."),
        ("header_colour", "#808080", "with white or dark text; WCAG 2.2 AA needs at least 4.5:1"),
    ],
)
def test_a_colour_that_fails_contrast_is_refused_with_its_ratio(
    staff_client, office, field, colour, message
):
    response = staff_client.post(CHANGE_URL, form_data(office, **{field: colour}))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors[field])
    assert message in errors
    assert colour in errors
    office.refresh_from_db()
    assert getattr(office, field) != colour


def test_the_measured_ratio_is_in_the_message(office):
    office.brand_colour = "#7fb3d5"
    assert "has a contrast of 2.1:1 for links on the page background" in (
        office.brand_colour_problem()
    )


def test_a_png_logo_is_shown_with_its_text_alternative_and_size(staff_client, client, office):
    data = form_data(office, logo_alt="Example Children's Hospital")
    data["logo_file"] = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    response = staff_client.post(CHANGE_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    office.refresh_from_db()
    page = client.get("/en/").text
    assert (
        f'<img class="site-logo" src="/centre/{office.version}/logo" '
        'alt="Example Children&#x27;s Hospital" width="120" height="40">'
    ) in page
    logo = client.get(f"/centre/{office.version}/logo")
    assert logo["Content-Type"] == "image/png"
    assert bytes(logo.content) == png()


def test_an_svg_logo_is_served_as_a_sandboxed_image(staff_client, client, office):
    data = form_data(office, logo_alt="Example")
    data["logo_file"] = SimpleUploadedFile("logo.svg", SVG_LOGO, content_type="image/svg+xml")
    assert staff_client.post(CHANGE_URL, data).status_code == 302
    office.refresh_from_db()
    assert (office.logo_width, office.logo_height) == (200, 50)
    response = client.get(f"/centre/{office.version}/logo")
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<a x:href="javascript:alert(1)"><rect/></a></svg>',
            "links to something outside the file",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject>'
            b"</svg>",
            "<foreignobject>",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "cannot be read safely",
        ),
        (b"GIF89a not a logo", "Upload the logo as a PNG or an SVG file."),
        (b"\x89PNG\r\n\x1a\n broken", "This PNG file is damaged"),
    ],
)
def test_an_unsafe_or_broken_logo_is_refused_and_nothing_else_is_lost(
    staff_client, office, content, message
):
    data = form_data(office, logo_alt="Example", opening_hours_en="Weekdays 8:30 to 16:30")
    data["logo_file"] = SimpleUploadedFile("logo.svg", content)
    response = staff_client.post(CHANGE_URL, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["logo_file"])
    assert 'value="Weekdays 8:30 to 16:30"' in response.text  # what was typed stays
    office.refresh_from_db()
    assert not office.has_logo


def test_a_logo_needs_a_text_alternative(staff_client, office):
    data = form_data(office, logo_alt="")
    data["logo_file"] = SimpleUploadedFile("logo.png", png())
    response = staff_client.post(CHANGE_URL, data)
    assert "Say what the logo shows" in " ".join(
        response.context["adminform"].form.errors["logo_alt"]
    )


def test_a_web_font_is_served_and_used_for_headings(staff_client, client, office):
    font = b"wOF2" + b"\0" * 200
    data = form_data(office)
    data["font_file"] = SimpleUploadedFile("brand.woff2", font)
    assert staff_client.post(CHANGE_URL, data).status_code == 302
    office.refresh_from_db()
    css = client.get(f"/centre/{office.version}/style.css").content.decode()
    assert f'url("/centre/{office.version}/font.woff2")' in css
    assert 'h1, h2, h3, .site-name { font-family: "Centre brand"' in css
    served = client.get(f"/centre/{office.version}/font.woff2")
    assert served["Content-Type"] == "font/woff2"
    assert bytes(served.content) == font


def test_a_file_that_is_not_a_web_font_is_refused(staff_client, office):
    data = form_data(office)
    data["font_file"] = SimpleUploadedFile("brand.ttf", b"\0\1\0\0 a TrueType font")
    response = staff_client.post(CHANGE_URL, data)
    assert "Upload the font as a WOFF2 file" in " ".join(
        response.context["adminform"].form.errors["font_file"]
    )


def test_no_logo_or_font_is_a_404_not_an_error(client, office):
    assert client.get(f"/centre/{office.version}/logo").status_code == 404
    assert client.get(f"/centre/{office.version}/font.woff2").status_code == 404


# One row, edited like any other admin object, with its history -----------------------------


def test_the_admin_list_opens_the_one_row(staff_client, office):
    response = staff_client.get(ADMIN_URL)
    assert response.status_code == 302
    assert response["Location"] == CHANGE_URL
    assert staff_client.get(f"{ADMIN_URL}add/").status_code == 403
    assert staff_client.post(f"{ADMIN_URL}1/delete/", {"post": "yes"}).status_code == 403
    assert SiteSettings.objects.count() == 1


def test_a_saved_change_is_kept_in_the_history(staff_client, office):
    response = staff_client.post(CHANGE_URL, form_data(office, phone="+31 88 123 45 67"))
    assert response.status_code == 302
    versions = Version.objects.get_for_object(office)
    assert versions.count() == 1
    assert versions[0].field_dict["phone"] == "+31 88 123 45 67"
    history = staff_client.get(f"{ADMIN_URL}1/history/")
    assert history.status_code == 200


def test_editors_may_read_but_not_change_the_centre_settings(editor_client, office):
    assert editor_client.get(CHANGE_URL).status_code == 200
    response = editor_client.post(CHANGE_URL, form_data(office, phone="+31 1"))
    assert response.status_code == 403
    office.refresh_from_db()
    assert office.phone == "+31 (0)88 972 72 72"


def test_publishers_change_the_centre_settings(publisher_client, office):
    response = publisher_client.post(CHANGE_URL, form_data(office, phone="+31 88 123 45 67"))
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.phone == "+31 88 123 45 67"


def test_the_public_cannot_reach_the_settings(client, office):
    response = client.get(CHANGE_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_bad_phone_number_is_explained(staff_client, office):
    response = staff_client.post(CHANGE_URL, form_data(office, phone="call us!"))
    assert "Enter a phone number with digits" in " ".join(
        response.context["adminform"].form.errors["phone"]
    )


def test_saving_the_settings_tells_page_caches(
    staff_client, office, django_capture_on_commit_callbacks
):
    from trials.signals import public_site_changed

    received = []

    def listener(**kwargs):
        received.append(kwargs["reason"])

    public_site_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(CHANGE_URL, form_data(office, opening_hours="Weekdays"))
    finally:
        public_site_changed.disconnect(listener)
    assert received == ["centre_settings"]


def test_the_first_row_comes_from_the_environment_settings(db, settings):
    # Created by migration 0008 from TRIALPORTAL_CENTRE_NAME; without a row, the same.
    assert SiteSettings.objects.get().centre_name == settings.TRIALPORTAL_CENTRE_NAME
    SiteSettings.objects.all().delete()
    assert SiteSettings.load().centre_name == settings.TRIALPORTAL_CENTRE_NAME


def test_svg_size_comes_from_its_view_box():
    from trials.uploads import read_logo

    logo = read_logo(SVG_LOGO)
    assert (logo.width, logo.height) == (200, 50)
    assert base64.b64encode(logo.data)


def test_a_change_to_the_settings_or_the_spellings_refreshes_cached_pages(client, office):
    from trials.models import SpellingVariant

    trial = TrialFactory()
    etag = client.get(trial.get_absolute_url())["ETag"]
    assert client.get(trial.get_absolute_url(), headers={"if-none-match": etag}).status_code == 304
    office.phone = "+31 88 123 45 67"
    office.save()
    fresh = client.get(trial.get_absolute_url(), headers={"if-none-match": etag})
    assert fresh.status_code == 200
    assert "+31 88 123 45 67" in fresh.text
    etag = fresh["ETag"]
    variant = SpellingVariant.objects.first()
    variant.variant += "x"
    variant.save()
    assert client.get(trial.get_absolute_url(), headers={"if-none-match": etag}).status_code == 200
