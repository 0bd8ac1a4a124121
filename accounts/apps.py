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

        _connect_security()


def _connect_security():
    """The sessions list and the audit log (accounts/sessions.py, accounts/audit.py)."""
    from django.contrib.auth.signals import user_logged_in, user_logged_out

    from . import audit, sessions

    audit.connect()
    user_logged_in.connect(sessions.record_login, dispatch_uid="accounts_record_login")
    user_logged_out.connect(sessions.record_logout, dispatch_uid="accounts_record_logout")
