from django.urls import path

from relocation.remediation import views

app_name = "remediation"
urlpatterns = [
    path("", views.site_list, name="list"),
    path("overview/", views.overview, name="overview"),
    path("screening-values/", views.screening_value_list, name="screening_values"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:pk>/", views.site_detail, name="site"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/move/", views.site_move, name="site_move"),
    path("sites/<int:pk>/land-use/", views.site_land_use, name="site_land_use"),
    path("sites/<int:pk>/targets/", views.site_targets, name="site_targets"),
    path("sites/<int:pk>/targets/basis/", views.target_basis, name="target_basis"),
    path("sites/<int:pk>/results/new/", views.result_add, name="result_add"),
    path("sites/<int:pk>/results/import/", views.results_import, name="results_import"),
    path("sites/<int:pk>/polluters/new/", views.polluter_add, name="polluter_add"),
    path("sites/<int:pk>/liabilities/new/", views.liability_add, name="liability_add"),
    path(
        "sites/<int:pk>/liabilities/<int:liability_pk>/obligations/new/",
        views.obligation_add,
        name="obligation_add",
    ),
    path("sites/<int:pk>/milestones/", views.milestones_plan, name="milestones_plan"),
    path("milestones/<int:pk>/progress/", views.milestone_progress, name="milestone_progress"),
    path("obligations/<int:pk>/", views.obligation_detail, name="obligation"),
    path("obligations/<int:pk>/edit/", views.obligation_edit, name="obligation_edit"),
    path("obligations/<int:pk>/pay/", views.obligation_pay, name="obligation_pay"),
    path("obligations/<int:pk>/upload/", views.obligation_upload, name="obligation_upload"),
    path("obligations/<int:pk>/fulfil/", views.obligation_fulfil, name="obligation_fulfil"),
    path("obligations/<int:pk>/cancel/", views.obligation_cancel, name="obligation_cancel"),
    path("obligations/<int:pk>/escalate/", views.obligation_escalate, name="obligation_escalate"),
]
