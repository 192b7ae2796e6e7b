from relocation.core.api_router import ApiRouter
from relocation.leases import api

router = ApiRouter()
router.register("leases", api.LeaseViewSet, basename="lease")
urlpatterns = router.urls
