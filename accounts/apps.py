from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_instructors_group(sender, using="default", **kwargs):
    from .services import INSTRUCTOR_APP_LABEL, ensure_instructors_group

    # Auth's own post_migrate handler, connected before this one, has just created the
    # permissions of that app's models.
    if sender.label == INSTRUCTOR_APP_LABEL:
        ensure_instructors_group(using=using)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        post_migrate.connect(_ensure_instructors_group, dispatch_uid="accounts_ensure_instructors_group")
        from .privacy import receivers  # noqa: F401 (connects the log-in policy check)
