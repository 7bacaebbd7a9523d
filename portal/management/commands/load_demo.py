"""Load the demo data (idempotent). ``--print-logins`` lists the demo accounts instead."""

from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = "Load demo districts, enterprises, coordinators and their history (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="Only list the demo logins.")
        parser.add_argument("--print-password", action="store_true", help="Only print the demo password.")

    def handle(self, *args, print_logins=False, print_password=False, **options):
        if print_password:
            self.stdout.write(demo.PASSWORD)
            return
        if print_logins:
            for username, role, note in demo.demo_logins():
                self.stdout.write(f"{username:<18} {role:<28} {note}")
            return
        ctx = demo.load()
        if ctx.created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(ctx.enterprises)} enterprises."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
