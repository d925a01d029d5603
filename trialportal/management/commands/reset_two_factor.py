import logging

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from trialportal.two_factor import remove_devices

audit = logging.getLogger("trialportal.audit")


class Command(BaseCommand):
    help = (
        "Forget a staff member's authenticator app and recovery codes (a lost or new "
        "phone). At their next sign-in they set the app up again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be removed; change nothing."
        )

    def handle(self, *args, username, dry_run, **options):
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"There is no account with the username {username!r}.") from None
        if dry_run:
            from django_otp import devices_for_user

            count = len(list(devices_for_user(user, confirmed=None)))
            self.stdout.write(f"Would remove {count} two-factor device(s) of {username}.")
            return
        removed = remove_devices(user)
        audit.info(
            "two_factor_reset",
            extra={
                "event": "two_factor_reset",
                "user_id": None,  # run from the command line
                "object_type": "user",
                "object_id": user.pk,
            },
        )
        if removed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Removed {removed} two-factor device(s) of {username}. At their next "
                    "sign-in they set up their authenticator app again."
                )
            )
        else:
            self.stdout.write(f"{username} had no two-factor devices; nothing to reset.")
