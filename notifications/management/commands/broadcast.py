"""`manage.py broadcast "text"`: a site-wide announcement, as an administrator would post it."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses import services

from ... import publisher

TITLE_LENGTH = 200


class Command(BaseCommand):
    help = "Post a site-wide announcement; every logged-in user's feed shows it live."

    def add_arguments(self, parser):
        parser.add_argument("text", help="The announcement. Its first line is the title.")
        parser.add_argument("--title", help="A title other than the first line of the text.")

    def handle(self, *args, text: str, title: str | None = None, **options):
        text = text.strip()
        if not text:
            raise CommandError("The announcement is empty.")
        title = (title or text.splitlines()[0]).strip()
        if len(title) > TITLE_LENGTH:
            title = title[: TITLE_LENGTH - 1] + "…"
        with transaction.atomic():
            announcement = services.post_announcement(author=None, title=title, body=text)
        # The event is published from a background loop; wait for it before the process exits.
        publisher.flush()
        self.stdout.write(f"Broadcast announcement #{announcement.pk} to every user: {title}")
