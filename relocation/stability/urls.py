from django.urls import path

from relocation.stability import views

app_name = "stability"
urlpatterns = [
    path("risks/", views.risk_list, name="risks"),
    path("risks/new/", views.risk_create, name="risk_create"),
    path("risks/<int:pk>/", views.risk_detail, name="risk"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="incident_edit"),
    path("incidents/<int:pk>/move/<str:target>/", views.incident_move, name="incident_move"),
    path("incidents/<int:pk>/actions/", views.incident_action_add, name="incident_action_add"),
    path("incidents/<int:pk>/evidence/", views.incident_evidence_add, name="incident_evidence_add"),
    path("opinion/", views.opinion_list, name="opinions"),
    path("opinion/response-times/", views.response_rule_set, name="response_rule_set"),
    path("incidents/report-times/", views.report_rule_set, name="report_rule_set"),
    path("opinion/new/", views.opinion_create, name="opinion_create"),
    path("opinion/<int:pk>/", views.opinion_detail, name="opinion"),
    path("opinion/<int:pk>/edit/", views.opinion_edit, name="opinion_edit"),
    path("opinion/<int:pk>/move/<str:target>/", views.opinion_move, name="opinion_move"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/versions/", views.plan_version_upload, name="plan_version_upload"),
    path("plans/<int:pk>/versions/<int:version_pk>/approve/", views.plan_version_approve, name="plan_version_approve"),
    path("plans/<int:pk>/drills/", views.drill_add, name="drill_add"),
]
