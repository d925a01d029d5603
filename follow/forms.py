from django import forms
from django.utils.translation import gettext_lazy as _


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.org."),
        },
    )
    # A honeypot: hidden from people (by CSS), filled in by bots that fill in everything.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    @property
    def is_from_a_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
