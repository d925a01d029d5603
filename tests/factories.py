import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Revision

from trials import models


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Example Sponsor {n}")
    location = "Utrecht, the Netherlands"


class CancerTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CancerType
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Cancer type {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    parent = None


class TrialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Trial
        skip_postgeneration_save = True

    short_name = factory.Sequence(lambda n: f"TRIAL-{n:03d}")
    subtitle = "example"
    official_title = factory.LazyAttribute(lambda o: f"Official title of {o.short_name}")
    slug = factory.LazyAttribute(lambda o: o.short_name.lower())
    summary = factory.LazyAttribute(lambda o: f"What {o.short_name} is about, in one paragraph.")
    eligibility = "Children whose cancer has come back."
    min_age_months = None
    max_age_months = 18 * 12
    disease_setting = models.DiseaseSetting.RELAPSED_REFRACTORY
    goal = "To find out how safe a new medicine is."
    background = "Some background."
    phase = models.Phase.PHASE_1_2
    status = models.Status.RECRUITING
    start_date = datetime.date(2024, 1, 15)
    last_reviewed = datetime.date(2026, 9, 1)
    publication = models.Publication.PUBLISHED
    sponsor = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def cancer_types(self, create, extracted, **kwargs):
        if create and extracted:
            self.cancer_types.set(extracted)


class ArmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Arm

    trial = factory.SubFactory(TrialFactory)
    name = factory.Sequence(lambda n: f"Arm {n}")
    intervention = "Drug X"
    status = models.ArmStatus.OPEN
    order = factory.Sequence(lambda n: n)


class InvestigatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Investigator

    title = "Dr."
    name = factory.Sequence(lambda n: f"A. Investigator {n}")
    specialty = "Paediatric oncology"


class TrialInvestigatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TrialInvestigator

    trial = factory.SubFactory(TrialFactory)
    investigator = factory.SubFactory(InvestigatorFactory)
    role = models.InvestigatorRole.LOCAL_PRINCIPAL_INVESTIGATOR


class ApprovalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Approval

    trial = factory.SubFactory(TrialFactory)
    body = "An accredited medical research ethics committee"
    kind = models.ApprovalKind.ETHICS
    decision_date = datetime.date(2023, 6, 1)


class RegistryNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RegistryNumber

    trial = factory.SubFactory(TrialFactory)
    registry = models.Registry.NCT
    value = factory.Sequence(lambda n: f"NCT{n:08d}")


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.GlossaryTerm

    term = factory.Sequence(lambda n: f"term {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.term))
    explanation = "<p>Two or three plain sentences.</p>"


class TrialEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TrialEvent

    trial = factory.SubFactory(TrialFactory)
    kind = models.TrialEventKind.OPENED
    status = models.Status.RECRUITING


class PublicTrialStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PublicTrialState

    trial = factory.SubFactory(TrialFactory)
    is_public = True
    status = models.Status.RECRUITING
    open_arms = factory.LazyFunction(dict)


class SiteSettingsFactory(factory.django.DjangoModelFactory):
    """The centre's one settings row (primary key 1): "creating" it again updates it."""

    class Meta:
        model = models.SiteSettings
        django_get_or_create = ("id",)

    id = 1
    phone = "+31 88 000 0000"
    email = "trials@example.org"
    opening_hours = "Monday to Friday, 9:00 to 17:00"
    logo = factory.LazyFunction(
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>'
    )
    logo_content_type = "image/svg+xml"
    logo_alt = "Example"


class SpellingVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SpellingVariant
        django_get_or_create = ("spelling", "variant")

    spelling = factory.Sequence(lambda n: f"colour{n}")
    variant = factory.Sequence(lambda n: f"color{n}")


class TrialAddressFactory(factory.django.DjangoModelFactory):
    """An earlier address of a (published) trial, which still leads to it."""

    class Meta:
        model = models.TrialAddress

    trial = factory.SubFactory(TrialFactory, published_at=factory.LazyFunction(timezone.now))
    slug = factory.Sequence(lambda n: f"earlier-address-{n}")


class CancerTypeAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CancerTypeAddress

    cancer_type = factory.SubFactory(CancerTypeFactory)
    slug = factory.Sequence(lambda n: f"earlier-cancer-type-{n}")


class RevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Revision

    date_created = factory.LazyFunction(timezone.now)


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """Changes awaiting approval; the revision holds no versions (see trials.moderation
    for real ones, made through the admin or submit_change)."""

    class Meta:
        model = models.ChangeRequest

    trial = factory.SubFactory(TrialFactory)
    revision = factory.SubFactory(RevisionFactory)
    state = models.ChangeState.WAITING


class ConditionMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ConditionMapping

    term = factory.Sequence(lambda n: f"Condition {n}")
    cancer_type = factory.SubFactory(CancerTypeFactory)


class RegistryRecordFactory(factory.django.DjangoModelFactory):
    """The registry record a trial was last compared with (trials.registries)."""

    class Meta:
        model = models.RegistryRecord

    trial = factory.SubFactory(TrialFactory)
    identifier = factory.Sequence(lambda n: f"NCT{n:08d}")
    data = factory.LazyAttribute(
        lambda o: {
            "protocolSection": {
                "identificationModule": {"nctId": o.identifier, "briefTitle": "A trial"},
                "statusModule": {"lastUpdatePostDateStruct": {"date": "2026-08-24"}},
            }
        }
    )
    received_at = factory.LazyFunction(timezone.now)
    received_how = models.ReceivedHow.FILE
    last_update_posted = datetime.date(2026, 8, 24)


class PendingRegistryChangeFactory(factory.django.DjangoModelFactory):
    """A status the registry has and our page does not."""

    class Meta:
        model = models.PendingRegistryChange

    trial = factory.SubFactory(TrialFactory, status=models.Status.RECRUITING)
    kind = models.RegistryChangeKind.FIELD
    key = "status"
    label = "status"
    ours = "Recruiting"
    theirs = "Completed"
    value = "completed"
    since = factory.LazyFunction(timezone.now)
