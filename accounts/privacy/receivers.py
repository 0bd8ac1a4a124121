"""At log-in, work out which policies the person still has to accept (middleware.py reads it)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import middleware


@receiver(user_logged_in, dispatch_uid="privacy_policy_check_at_login")
def check_policies_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        middleware.refresh(request, user)
