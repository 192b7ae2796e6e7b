from django.urls import path

from relocation.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/from-plan/", views.plan_seed, name="plan_seed"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("notices/<int:pk>/download/", views.notice_download, name="notice_download"),
    path("deadline-preview/", views.deadline_preview, name="deadline_preview"),
    path("workdays/", views.workday_calculator, name="workdays"),
    path("settings/", views.settings_edit, name="settings"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/report/", views.inspection_report_download, name="inspection_report"),
    path("scorecards/", views.scorecard, name="scorecards"),
    path("reports/", views.report_list, name="reports"),
    path("reports/open/", views.report_open, name="report_open"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
]
