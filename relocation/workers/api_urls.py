from django.urls import path
from rest_framework.routers import DefaultRouter

from relocation.workers import api

router = DefaultRouter()
router.register("workers", api.WorkerViewSet, basename="worker")
router.register("cases", api.LabourCaseViewSet, basename="labour-case")
router.register("activities", api.PlacementActivityViewSet, basename="placement-activity")
urlpatterns = [path("placement/", api.PlacementSummaryView.as_view(), name="placement-summary"), *router.urls]
