from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = (
        "Queue every instructor who was never approved (sign-up used to offer the role) as a pending "
        "instructor request, for a site admin to confirm or decline in the admin. --demote also makes "
        "them students until approved."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demote", action="store_true", help="take the role away until approved")

    def handle(self, *args, demote: bool, **options):
        queued = services.queue_instructors_for_review(demote=demote)
        suffix = ", demoted until approved" if demote else ""
        self.stdout.write(f"{queued} queued for review{suffix}; see Instructor requests in the admin.")
