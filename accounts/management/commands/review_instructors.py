from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = (
        "Queue every instructor who was never approved (sign-up used to offer the role) as a pending "
        "instructor request, for a site admin to confirm or decline in the admin. They are students "
        "until approved, unless --keep-role keeps their role until the decision."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep-role", action="store_true", help="keep the role until a site admin decides")

    def handle(self, *args, keep_role: bool, **options):
        demote = not keep_role
        queued = services.queue_instructors_for_review(demote=demote)
        suffix = ", demoted until approved" if demote else ""
        self.stdout.write(f"{queued} queued for review{suffix}; see Instructor requests in the admin.")
