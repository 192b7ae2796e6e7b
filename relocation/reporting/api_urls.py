from rest_framework.routers import DefaultRouter

from relocation.reporting import api

router = DefaultRouter()
router.register("bulletins", api.BulletinViewSet, basename="bulletin")
urlpatterns = router.urls
