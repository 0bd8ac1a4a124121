from django.core.management.base import BaseCommand

from notifications.delivery.digests import send_digests


class Command(BaseCommand):
    help = "Send each user's daily or weekly digest if its hour has come in their time zone (run hourly)."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"{sent} digest(s) sent.")
