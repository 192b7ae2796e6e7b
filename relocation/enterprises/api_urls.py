from relocation.core.api_router import ApiRouter
from relocation.enterprises import api

router = ApiRouter()
router.register("enterprises", api.EnterpriseViewSet, basename="enterprise")
router.register("visits", api.VisitViewSet, basename="visit")
router.register("categories", api.CategoryViewSet, basename="category")

# The relocation lifecycle (lifecycle_api.py).
from relocation.enterprises import lifecycle_api  # noqa: E402

router.register("lifecycle", lifecycle_api.LifecycleViewSet, basename="lifecycle")
router.register("closure-checks", lifecycle_api.ClosureCheckViewSet, basename="closure-check")
router.register("batches", lifecycle_api.BatchViewSet, basename="batch")
router.register("letters", lifecycle_api.CommitmentLetterViewSet, basename="letter")
router.register("letter-date-changes", lifecycle_api.DateChangeViewSet, basename="letter-date-change")
urlpatterns = router.urls
