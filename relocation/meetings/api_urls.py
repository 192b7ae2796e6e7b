from rest_framework.routers import DefaultRouter

from relocation.meetings import api

router = DefaultRouter()
router.register("meetings", api.MeetingViewSet, basename="meeting")
router.register("requests", api.MeetingRequestViewSet, basename="meeting-request")
urlpatterns = router.urls
