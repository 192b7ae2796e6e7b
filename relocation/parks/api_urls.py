from relocation.core.api_router import ApiRouter
from relocation.parks import api

router = ApiRouter()
router.register("parks", api.ParkViewSet, basename="park")
router.register("factories", api.FactoryViewSet, basename="factory")
router.register("facilities", api.FacilityViewSet, basename="facility")
router.register("demands", api.DemandViewSet, basename="demand")
router.register("proposals", api.ProposalViewSet, basename="proposal")
router.register("allocations", api.AllocationViewSet, basename="allocation")
router.register("procedures", api.ProcedureItemViewSet, basename="procedure")
router.register("policies", api.PolicyViewSet, basename="policy")
router.register("grants", api.GrantViewSet, basename="grant")
urlpatterns = router.urls
