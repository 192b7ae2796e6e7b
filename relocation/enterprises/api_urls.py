from rest_framework.routers import DefaultRouter

from relocation.enterprises import api

router = DefaultRouter()
router.register("enterprises", api.EnterpriseViewSet, basename="enterprise")
router.register("visits", api.VisitViewSet, basename="visit")
router.register("categories", api.CategoryViewSet, basename="category")
urlpatterns = router.urls
