"""The admin's "Import from ClinicalTrials.gov" page: upload JSON files (or type NCT
numbers, when the site may reach the registry), see what would be created or changed, then
import on confirmation. Only staff who may add trials get past the first line."""

import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import ReceivedHow
from ..registries import ctgov
from ..registries.ctgov import FileRefused, RecordRefused
from ..registries.importer import REFUSED, Outcome, Report, import_study

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 50
MAX_NCT_IDS = 50
SESSION_KEY = "ctgov_import"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".json,application/json"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label=_("JSON files"),
        required=False,
        help_text=_(
            "Records as ClinicalTrials.gov's API v2 gives them (one study, or a search page "
            "of studies), e.g. from https://clinicaltrials.gov/api/v2/studies/NCT02813135."
        ),
    )
    nct_ids = forms.CharField(
        label=_("NCT numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fetched from ClinicalTrials.gov now; separate them with spaces or commas."),
    )

    def __init__(self, *args, can_fetch: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_fetch:
            del self.fields["nct_ids"]

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Choose at most %(max)d files at a time.") % {"max": MAX_FILES}
            )
        for file in files:
            if file.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than 5 MB: no single registry record is.")
                    % {"name": file.name}
                )
        return files

    def clean_nct_ids(self):
        ids = [
            value.strip().upper()
            for value in self.cleaned_data["nct_ids"].replace(",", " ").split()
        ]
        bad = [value for value in ids if not ctgov.NCT_ID.fullmatch(value)]
        if bad:
            raise forms.ValidationError(
                _("Not NCT numbers (NCT and 8 digits): %(values)s") % {"values": ", ".join(bad)}
            )
        if len(ids) > MAX_NCT_IDS:
            raise forms.ValidationError(
                _("Type at most %(max)d NCT numbers at a time.") % {"max": MAX_NCT_IDS}
            )
        return list(dict.fromkeys(ids))

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("files") and not cleaned.get("nct_ids"):
            raise forms.ValidationError(
                _("Choose at least one file or type an NCT number.")
                if "nct_ids" in self.fields
                else _("Choose at least one file.")
            )
        return cleaned


def read_records(form: ImportForm) -> tuple[list[dict], list[Outcome]]:
    """The studies to import ({source, how, data}) and the files or numbers refused
    before any study could be read."""
    records, refused = [], []
    for upload in form.cleaned_data.get("files", []):
        try:
            studies = ctgov.studies_in_text(upload.read())
        except FileRefused as error:
            refused.append(Outcome(source=upload.name, action=REFUSED, message=str(error)))
            continue
        records += [{"source": upload.name, "how": ReceivedHow.UPLOAD, "data": s} for s in studies]
    for nct_id in form.cleaned_data.get("nct_ids", []):
        source = ctgov.API_URL.format(nct_id=nct_id)
        try:
            studies = ctgov.studies_in_text(ctgov.fetch_study(nct_id))
        except (FileRefused, RecordRefused) as error:
            refused.append(
                Outcome(source=source, action=REFUSED, nct_id=nct_id, message=str(error))
            )
            continue
        records += [{"source": source, "how": ReceivedHow.FETCH, "data": s} for s in studies]
    return records, refused


def import_records(records: list[dict], *, user, dry_run: bool) -> list[Outcome]:
    with transaction.atomic():
        outcomes = [
            import_study(data=r["data"], source=r["source"], user=user, how=r["how"])
            for r in records
        ]
        if dry_run:
            transaction.set_rollback(True)
    return outcomes


class ImportCtgovMixin:
    """For the trial admin: the import page's view (its URL is in RegistryWatchMixin)."""

    def import_ctgov_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        can_fetch = settings.TRIALPORTAL_REGISTRY_FETCH
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import from ClinicalTrials.gov"),
            "can_fetch": can_fetch,
        }
        if request.method == "POST" and "confirm" in request.POST:
            return self.confirm_import(request, context)
        posted = request.method == "POST"
        form = ImportForm(
            request.POST if posted else None, request.FILES if posted else None, can_fetch=can_fetch
        )
        if request.method == "POST" and form.is_valid():
            records, refused = read_records(form)
            outcomes = [*refused, *import_records(records, user=request.user, dry_run=True)]
            token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {"token": token, "records": records}
            context.update(
                step="preview",
                outcomes=outcomes,
                report=Report(outcomes),
                token=token,
                importable=any(o.action != REFUSED for o in outcomes),
            )
        context["form"] = form
        return TemplateResponse(request, "admin/trials/trial/import_ctgov.html", context)

    def confirm_import(self, request, context):
        stored = request.session.get(SESSION_KEY) or {}
        if not stored or request.POST.get("token") != stored.get("token"):
            self.message_user(
                request,
                gettext(
                    "Nothing to import: the preview has expired or was already imported. "
                    "Choose the files again."
                ),
                messages.WARNING,
            )
            return HttpResponseRedirect(self.admin_url("import_ctgov"))
        del request.session[SESSION_KEY]
        outcomes = import_records(stored["records"], user=request.user, dry_run=False)
        context.update(step="done", outcomes=outcomes, report=Report(outcomes))
        return TemplateResponse(request, "admin/trials/trial/import_ctgov.html", context)
