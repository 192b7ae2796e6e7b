from django.urls import path
from rest_framework.routers import DefaultRouter

from relocation.core import api

router = DefaultRouter()
router.register("audit-events", api.AuditEventViewSet, basename="audit-event")
router.register("undelivered-notifications", api.UndeliveredNotificationViewSet, basename="undelivered-notification")
urlpatterns = [
    path("notification-preferences/", api.NotificationPreferencesView.as_view(), name="notification-preferences"),
    *router.urls,
]
