from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("terms/", views.terms, name="terms"),
    path("privacy/accept/", views.accept, name="accept"),
    path("accounts/data/", views.your_data, name="your_data"),
    path("accounts/data/export/", views.export_request, name="export_request"),
    path("accounts/data/export/<str:token>/", views.export_download, name="export_download"),
    path("accounts/data/consents/", views.consents, name="consents"),
    path("accounts/data/erase/", views.erasure_request, name="erasure_request"),
    path("accounts/data/erase/cancel/", views.erasure_cancel, name="erasure_cancel"),
]
