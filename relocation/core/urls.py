from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import JavaScriptCatalog, set_language

from relocation.core import saved_filter_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("filters/save/", saved_filter_views.saved_filter_save, name="saved_filter_save"),
    path("filters/<int:pk>/delete/", saved_filter_views.saved_filter_delete, name="saved_filter_delete"),
    path("guide/", views.guide, name="guide"),
    path("guide/<slug:chapter>/", views.guide, name="guide_chapter"),
    path("account/2fa/setup/", views.otp_setup, name="otp_setup"),
    path("account/2fa/verify/", views.otp_verify, name="otp_verify"),
    path("account/notifications/", views.notification_preferences, name="notification_preferences"),
    path("notifications/undelivered/", views.undelivered_notifications, name="undelivered_notifications"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
    path("files/<int:pk>/", views.file_download, name="file"),
]
