from django.urls import path

from relocation.core.api_router import ApiRouter
from relocation.workers import api

router = ApiRouter()
router.register("workers", api.WorkerViewSet, basename="worker")
router.register("cases", api.LabourCaseViewSet, basename="labour-case")
router.register("activities", api.PlacementActivityViewSet, basename="placement-activity")
urlpatterns = [path("placement/", api.PlacementSummaryView.as_view(), name="placement-summary"), *router.urls]
