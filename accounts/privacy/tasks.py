"""Background tasks (Django's tasks framework; django-tasks-db stores them and `manage.py
db_worker` runs them). Each is a thin call into services, which holds the rules; arguments are
ids and results are nothing, so the task table never holds personal data."""

from django.tasks import task


@task
def build_export(export_id: int) -> None:
    from . import services

    services.build_export(export_id=export_id)


@task
def delete_export(export_id: int) -> None:
    from . import services

    services.delete_export(export_id=export_id)


@task
def erase_account(request_id: int) -> None:
    """Enqueued to run at the request's due time; does nothing if it was cancelled meanwhile."""
    from . import services

    services.erase_account(request_id=request_id)
