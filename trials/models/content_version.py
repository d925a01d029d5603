"""One row that says which version of the public content the database holds.

The database moves it itself: triggers (migration 0015) on every table whose rows the
public pages, feeds and API show bump `counter` and `changed_at` on every insert, update
and delete, whatever made it (the admin, an import, a script, a bulk update, a restore).
Conditional GET and the page cache (trials.freshness, trials.page_cache) read this one row
per request instead of counting and dating every table: at a registry's 100,000 trials
that read costs a primary-key lookup instead of 10 ms.

On SQLite, a migration that rebuilds a public table (most column changes do) drops its
triggers: that migration must make them again, as 0016 does for trials_trial.
tests/test_content_version.py fails until it does."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils.translation import gettext_lazy as _

# The tables of public content: a write to any of them can change what families see.
# (Changes awaiting approval, registry changes awaiting a decision and the follow app's
# own state are not public, so writing them does not move the version.)
PUBLIC_TABLES = (
    "trials_trial",
    "trials_trial_cancer_types",
    "trials_arm",
    "trials_approval",
    "trials_registrynumber",
    "trials_registryrecord",
    "trials_trialinvestigator",
    "trials_investigator",
    "trials_organisation",
    "trials_cancertype",
    "trials_glossaryterm",
    "trials_sitesettings",
    "trials_spellingvariant",
    "trials_trialaddress",
    "trials_cancertypeaddress",
    "trials_trialevent",
)
# ... and the rest, which never show publicly (a test keeps every table in one list or the other).
PRIVATE_TABLES = (
    "trials_changerequest",
    "trials_pendingregistrychange",
    "trials_conditionmapping",
    "trials_publictrialstate",
    "trials_contentversion",
    # Derived from the trial's texts, written only when they are.
    "trials_searchdocument",
)


class ContentVersion(models.Model):
    counter = models.BigIntegerField(_("counter"), default=0)
    changed_at = models.DateTimeField(_("changed at"), null=True)

    class Meta:
        verbose_name = _("version of public content")
        verbose_name_plural = _("versions of public content")

    def __str__(self):
        return f"{self.counter} ({self.changed_at})"


@contextmanager
def version_moved_at_the_end(using: str = DEFAULT_DB_ALIAS):
    """Inside a transaction: the writes of the block move the content version once, as the
    block's last write, not with each statement (PostgreSQL, migration 0024). For bulk
    loads side by side (manage.py generate_trials): with each statement, the version's row
    stayed locked from a load's first write to its commit, and the loads took turns. The
    version still becomes visible with the data, at commit. If the block fails, the
    transaction (or savepoint) it is in rolls back, and its setting with it."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("version_moved_at_the_end() needs a transaction to move it in.")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL trials.version_moved_at_the_end = 'on'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL trials.version_moved_at_the_end = 'off'")
        cursor.execute("SELECT trials_move_content_version()")
