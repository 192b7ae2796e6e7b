from django.urls import path

from relocation.core import api
from relocation.core.api_router import ApiRouter

router = ApiRouter()
router.register("audit-events", api.AuditEventViewSet, basename="audit-event")
router.register("undelivered-notifications", api.UndeliveredNotificationViewSet, basename="undelivered-notification")
urlpatterns = [
    path("notification-preferences/", api.NotificationPreferencesView.as_view(), name="notification-preferences"),
    *router.urls,
]
