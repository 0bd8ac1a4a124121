from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import security_views, views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_done, name="signup_done"),
    path("activate/<uidb64>/<token>/", views.activate, name="activate"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("login/passkey/options/", views.login_passkey_options, name="login_passkey_options"),
    path("login/passkey/", views.login_passkey, name="login_passkey"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("security/", views.security, name="security"),
    path("security/app/", views.totp_setup, name="totp_setup"),
    path("security/app/remove/", views.totp_remove, name="totp_remove"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("security/passkeys/options/", views.passkey_options, name="passkey_options"),
    path("security/passkeys/", views.passkey_add, name="passkey_add"),
    path("security/passkeys/<int:pk>/remove/", views.passkey_remove, name="passkey_remove"),
    path("teach/", views.instructor_access, name="instructor_access"),
    path("tokens/revoke/", views.revoke_tokens, name="revoke_tokens"),
    path("email/change/", security_views.change_email, name="email_change"),
    path("email/confirm/<str:token>/", security_views.confirm_email, name="email_confirm"),
    path("sessions/", security_views.session_list, name="sessions"),
    path("sessions/<int:session_id>/logout/", security_views.end_session, name="session_end"),
    path("sessions/logout-others/", security_views.end_other_sessions, name="sessions_end_others"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            extra_email_context={"site_name": settings.SITE_NAME},
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
