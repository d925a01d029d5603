"""What the admin's trial forms post: helpers for tests that go through the admin."""

import re

from trials.models import Approval, Arm, Phase, RegistryNumber, Status, TrialInvestigator
from trials.models.translated import TRANSLATED_FIELDS

# Tests name a text by its field ("summary", an arm's "name"); the form has a field per
# language, and the English one holds what tests write unless they name another.
_ARM_TEXT = re.compile(rf"^(.+-\d+-(?:{'|'.join(TRANSLATED_FIELDS['Arm'])}))$")


def in_english(data: dict) -> dict:
    """`data` with trial and arm texts under their English field names."""
    renamed = {}
    for key, value in data.items():
        if key in TRANSLATED_FIELDS["Trial"] or _ARM_TEXT.match(key):
            key = f"{key}_en"
        renamed[key] = value
    return renamed


ADD_URL = "/admin/trials/trial/add/"
CHANGELIST_URL = "/admin/trials/trial/"
AUTOCOMPLETE_URL = "/admin/autocomplete/"


def change_url(trial):
    return f"/admin/trials/trial/{trial.pk}/change/"


def management_data(prefix, *, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def inline_prefixes(response):
    """Each inline's formset prefix, keyed by its model, as the admin renders them."""
    return {
        inline.formset.model: inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
    }


def rows_data(prefix, rows):
    data = management_data(prefix, total=len(rows))
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return data


def add_form_data(client, *, arms=(), roles=(), approvals=(), registry_numbers=(), **fields):
    """What the add form posts: trial fields plus all four inline formsets."""
    prefixes = inline_prefixes(client.get(ADD_URL))
    data = {
        "short_name": "ESMART",
        "subtitle": "different tumor types",
        "slug": "esmart",
        "official_title": "European proof-of-concept therapeutic stratification trial.",
        "summary": "Matching drugs to the molecular alterations in a child's tumour.",
        "eligibility": "Children and teenagers whose cancer has come back.",
        "min_age_months": "",
        "max_age_months": "216",
        "disease_setting": "relapsed_refractory",
        "goal": "",
        "background": "",
        "arms_intro": "",
        "phase": Phase.PHASE_1_2,
        "design_note": "multi arm",
        "max_patients_total": "280",
        "max_patients_local": "25",
        "start_date": "2018-04-05",
        "end_date": "",
        "status": Status.ACTIVE_NOT_RECRUITING,
        "status_note": "",
        "sponsor": "",
        "network": "",
        "last_reviewed": "2025-09-16",
        **fields,
    }
    data.update(rows_data(prefixes[TrialInvestigator], roles))
    data.update(rows_data(prefixes[Arm], arms))
    data.update(rows_data(prefixes[Approval], approvals))
    data.update(rows_data(prefixes[RegistryNumber], registry_numbers))
    return in_english(data)


def submitted_values(form):
    """A rendered form's values as the browser would post them back."""
    data = {}
    for bound_field in form:
        value = bound_field.value()
        if value is None or value is False:
            continue
        if value is True:
            data[bound_field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound_field.html_name] = [str(item) for item in value]
        else:
            data[bound_field.html_name] = str(value)
    return data


def change_form_data(client, trial):
    """What the change form posts back unedited, existing inline rows included."""
    response = client.get(change_url(trial))
    data = submitted_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        existing = formset.initial_forms
        data.update(management_data(formset.prefix, total=len(existing), initial=len(existing)))
        for form in existing:
            data.update(submitted_values(form))
    return data, inline_prefixes(response)


def rendered_form_data(response):
    """Everything a rendered change form would post back, extra inline rows included."""
    data = submitted_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms = formset.initial_forms + formset.extra_forms
        data.update(
            management_data(formset.prefix, total=len(forms), initial=len(formset.initial_forms))
        )
        for form in forms:
            data.update(submitted_values(form))
    return data


def save_through_admin(client, trial, *, expect=302, **changes):
    """Open the trial's change form, change what is given, and save it."""
    data, prefixes = change_form_data(client, trial)
    data.update(in_english(changes))
    response = client.post(change_url(trial), data)
    assert response.status_code == expect, (
        response.context and response.context["adminform"].form.errors
    )
    return prefixes


def add_row(data, prefix, row):
    """Append a new inline row to posted form data."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update(in_english({f"{prefix}-{index}-{name}": value for name, value in row.items()}))


def row_index(data, prefix, pk):
    """The index of the posted inline row with this id."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    return next(i for i in range(total) if data.get(f"{prefix}-{i}-id") == str(pk))


def changes_url(trial):
    return f"/admin/trials/trial/{trial.pk}/changes/"


def decide(client, trial, decision, comment=""):
    """Approve (_approve), send back (_send_back) or discard (_discard) what waits."""
    change = trial.change_requests.open().get()
    return client.post(
        changes_url(trial), {"change": str(change.pk), "comment": comment, decision: "1"}
    )
