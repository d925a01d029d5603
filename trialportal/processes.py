"""Django in a process started afresh ("spawn") to work beside this one, e.g. the jobs of
manage.py generate_trials. Nothing here may import a model: a new process unpickles its
initializer before Django is set up."""

import os


def set_up_django(settings_module: str, database_name: str, alias: str = "default") -> None:
    """Set Django up as in the process that started this one, on the same database (a test
    database has a name of its own, set after the settings were read)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES[alias]["NAME"] = database_name
