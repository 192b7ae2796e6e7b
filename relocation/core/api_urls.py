from rest_framework.routers import DefaultRouter

from relocation.core import api

router = DefaultRouter()
router.register("audit-events", api.AuditEventViewSet, basename="audit-event")
urlpatterns = router.urls
