from django.urls import path

from relocation.core.api_router import ApiRouter
from relocation.enforcement import api

router = ApiRouter()
router.register("domains", api.DomainViewSet, basename="enforcement-domain")
router.register("checklist-items", api.ChecklistItemViewSet, basename="enforcement-checklist-item")
router.register("legal-bases", api.LegalBasisViewSet, basename="enforcement-legal-basis")
router.register("escalation-steps", api.EscalationStepViewSet, basename="enforcement-escalation-step")
router.register("repeat-offender-rules", api.RepeatOffenderRuleViewSet, basename="enforcement-repeat-rule")
router.register("teams", api.TeamViewSet, basename="enforcement-team")
router.register("operations", api.OperationViewSet, basename="enforcement-operation")
router.register("inspections", api.InspectionViewSet, basename="enforcement-inspection")
router.register("violations", api.ViolationViewSet, basename="enforcement-violation")
router.register("measures", api.MeasureViewSet, basename="enforcement-measure")
router.register("documents", api.DocumentViewSet, basename="enforcement-document")
urlpatterns = [
    path("queue/", api.QueueView.as_view(), name="enforcement-queue"),
    path("statistics/", api.StatisticsView.as_view(), name="enforcement-statistics"),
    path("files/<int:pk>/", api.EnterpriseFileView.as_view(), name="enforcement-file"),
    *router.urls,
]
