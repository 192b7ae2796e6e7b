from django.urls import path

from relocation.core.api_router import ApiRouter
from relocation.organisation import api, approval_api, setup_api

router = ApiRouter()
router.register("units", api.UnitViewSet, basename="unit")
router.register("people", api.PersonViewSet, basename="person")
router.register("memberships", api.MembershipViewSet, basename="membership")
router.register("accounts", api.AccountViewSet, basename="account")
router.register("account-approvals", approval_api.AccountApprovalViewSet, basename="account-approval")
urlpatterns = [
    path("programmes/<int:pk>/checklist/", setup_api.ProgrammeChecklistView.as_view(), name="programme-checklist"),
    *router.urls,
]
