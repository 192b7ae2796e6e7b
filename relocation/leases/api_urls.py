from rest_framework.routers import DefaultRouter

from relocation.leases import api

router = DefaultRouter()
router.register("leases", api.LeaseViewSet, basename="lease")
urlpatterns = router.urls
