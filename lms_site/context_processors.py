from django.conf import settings

from notifications.selectors import unread_count


def site(request):
    context = {"SITE_NAME": settings.SITE_NAME}
    if request.user.is_authenticated:
        context["unread_count"] = unread_count(request.user)
    return context
