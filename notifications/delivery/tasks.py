"""Background tasks of delivery (Django's tasks framework on django-tasks-db). Each is a thin call
into the delivery modules; arguments are ids, so the task table holds no personal data."""

from django.tasks import task


@task
def plan_deliveries(event_id: int) -> None:
    """Enqueued after the commit of every event that may leave the site."""
    from . import planning, sending

    if planning.plan(event_id):
        sending.send_due()


@task
def send_due() -> None:
    from . import sending

    sending.send_due()


@task
def send_digests() -> None:
    from . import digests

    digests.send_digests()


@task
def send_invitation(invitation_id: int) -> None:
    """Enqueued after the commit of a new course invitation (courses.services.invite)."""
    from . import invitations

    invitations.send(invitation_id)
