from relocation.core.api_router import ApiRouter
from relocation.reporting import api

router = ApiRouter()
router.register("bulletins", api.BulletinViewSet, basename="bulletin")
urlpatterns = router.urls
