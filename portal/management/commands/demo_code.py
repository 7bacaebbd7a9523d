"""Print the current second-factor code of a demo staff account (development only: refuses unless
DEBUG is on). The demo staff's devices share the documented demo key (README.md, portal/security.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo staff account (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="officer.bj")

    def handle(self, *args, username, **options):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from portal.security import current_code

        if not settings.DEBUG:
            raise CommandError("demo_code works only in development (DEBUG=1).")
        device = TOTPDevice.objects.filter(user__username=username, name="demo", confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no demo device (is it a demo staff account?).")
        self.stdout.write(current_code(device))
