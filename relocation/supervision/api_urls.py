from django.urls import path

from relocation.core.api_router import ApiRouter
from relocation.supervision import api

router = ApiRouter()
router.register("tasks", api.TaskViewSet, basename="task")
router.register("reports", api.UnitReportViewSet, basename="unit-report")
router.register("problems", api.CoordinationProblemViewSet, basename="coordination-problem")
urlpatterns = [
    path("scorecards/", api.ScorecardView.as_view(), name="scorecards"),
    path("workdays/", api.WorkdaysView.as_view(), name="workdays"),
    *router.urls,
]
