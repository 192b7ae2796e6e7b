from relocation.core.api_router import ApiRouter
from relocation.meetings import api

router = ApiRouter()
router.register("meetings", api.MeetingViewSet, basename="meeting")
router.register("requests", api.MeetingRequestViewSet, basename="meeting-request")
urlpatterns = router.urls
