"""Stable addresses: a public page's old slugs keep leading to it.

Families print and share a trial's address. Every slug a page has had is kept in its
`addresses` table (the current one included), whose slug column is unique: so while an old
address redirects, no other page can take it, and the database says so too.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .fields import parent_trial


class Address(models.Model):
    """A slug that leads to a page: its current one or an earlier one."""

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    created_at = models.DateTimeField(_("first used"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.slug


class KeepsOldAddresses(models.Model):
    """For a model with a `slug` and an `addresses` relation to an Address model, whose
    public page is at the URL named `address_url_name`."""

    address_url_name = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.slug != getattr(self, "_saved_slug", None):
            self.remember_address()
            self._saved_slug = self.slug

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # Deferred (not loaded): unknown, so a save checks the addresses.
        instance._saved_slug = instance.__dict__.get("slug")
        return instance

    def keeps_old_addresses(self) -> bool:
        """Whether an address given up now must keep leading here."""
        return True

    @classmethod
    def address_relation(cls):
        return cls._meta.get_field("addresses").field  # the Address model's foreign key

    def remember_address(self) -> None:
        if not self.keeps_old_addresses():
            self.addresses.exclude(slug=self.slug).delete()
        self.addresses.get_or_create(slug=self.slug)

    def old_addresses(self) -> list[str]:
        return [address.slug for address in self.addresses.all() if address.slug != self.slug]

    def address_url(self, slug: str) -> str:
        return reverse(self.address_url_name, kwargs={"slug": slug})

    def validate_unique(self, exclude=None):
        super().validate_unique(exclude)
        if exclude and "slug" in exclude:
            return
        relation = self.address_relation()
        holder = (
            relation.model.objects.filter(slug=self.slug)
            .exclude(**{relation.attname: self.pk})
            .exclude(**{f"{relation.name}__slug": self.slug})  # Django names that clash
            .select_related(relation.name)
            .first()
        )
        if holder is not None:
            raise ValidationError(
                {
                    "slug": _(
                        "“%(slug)s” was the address of “%(page)s” and still leads there, so "
                        "it cannot be used again. Choose another."
                    )
                    % {"slug": self.slug, "page": getattr(holder, relation.name)}
                }
            )


class TrialAddress(Address):
    trial = parent_trial("addresses")

    class Meta(Address.Meta):
        verbose_name = _("trial address")
        verbose_name_plural = _("trial addresses")


class CancerTypeAddress(Address):
    cancer_type = models.ForeignKey(
        "CancerType",
        verbose_name=_("cancer type"),
        on_delete=models.CASCADE,
        related_name="addresses",
    )

    class Meta(Address.Meta):
        verbose_name = _("cancer type address")
        verbose_name_plural = _("cancer type addresses")
