from django.conf import settings
from django.utils.functional import SimpleLazyObject

from notifications.selectors import activity_state


def site(request):
    context = {"SITE_NAME": settings.SITE_NAME}
    if request.user.is_authenticated:
        # Lazy: pages that do not show the header (downloads, redirects) pay nothing.
        context["activity"] = SimpleLazyObject(lambda: activity_state(request.user))
    return context
