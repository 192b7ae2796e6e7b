from relocation.core.api_router import ApiRouter
from relocation.stability import api

router = ApiRouter()
router.register("risks", api.RiskViewSet, basename="stability-risk")
router.register("incidents", api.IncidentViewSet, basename="stability-incident")
router.register("opinion", api.OpinionViewSet, basename="stability-opinion")
router.register("plans", api.PlanViewSet, basename="stability-plan")
urlpatterns = router.urls
