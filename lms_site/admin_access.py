"""Who may use an admin page, for the ModelAdmins of every app: mixins that go before the ModelAdmin
class in the bases, so that their answers win."""


def is_site_admin(request) -> bool:
    """A site admin on an admin page: staff (to be let into the admin at all) and a site admin
    (accounts.User.is_site_admin). Instructors are staff too, but not site admins."""
    return request.user.is_staff and request.user.is_site_admin


class SiteAdminOnly:
    """Only site admins see and change these rows: not instructors, whatever permissions they are
    given."""

    def has_module_permission(self, request):
        return is_site_admin(request)

    def has_view_permission(self, request, obj=None):
        return is_site_admin(request)

    def has_add_permission(self, request):
        return is_site_admin(request)

    def has_change_permission(self, request, obj=None):
        return is_site_admin(request)

    def has_delete_permission(self, request, obj=None):
        return is_site_admin(request)


class NoAddOrDelete:
    """Rows that are made and kept elsewhere (a page, a service, a worker): no one adds or deletes
    them in the admin."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnly(NoAddOrDelete):
    """Rows that are only looked at in the admin: no add, change or delete for anyone."""

    def has_change_permission(self, request, obj=None):
        return False
