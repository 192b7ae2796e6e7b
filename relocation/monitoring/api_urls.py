from rest_framework.routers import DefaultRouter

from relocation.monitoring import api

router = DefaultRouter()
router.register("alerts", api.AlertViewSet, basename="alert")
router.register("points", api.PointViewSet, basename="point")
router.register("measurements", api.MeasurementViewSet, basename="measurement")
router.register("utility-readings", api.UtilityReadingViewSet, basename="utility-reading")
router.register("toxic-movements", api.ToxicMovementViewSet, basename="toxic-movement")
router.register("limits", api.LimitRowViewSet, basename="limit")
router.register("exceedance-report", api.ExceedanceReportViewSet, basename="exceedance-report")
urlpatterns = router.urls
