from django.urls import path

from relocation.core.api_router import ApiRouter
from relocation.remediation import api

router = ApiRouter()
router.register("sites", api.SiteViewSet, basename="site")
router.register("results", api.SamplingResultViewSet, basename="result")
router.register("obligations", api.ObligationViewSet, basename="obligation")
router.register("milestones", api.MilestoneViewSet, basename="milestone")
router.register("screening-values", api.ScreeningValueViewSet, basename="screening-value")
urlpatterns = [path("overview/", api.OverviewView.as_view(), name="overview"), *router.urls]
