from django.urls import path

from relocation.workers import views

app_name = "workers"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("enterprises/<int:pk>/", views.roster, name="roster"),
    path("enterprises/<int:pk>/new/", views.worker_new, name="worker_new"),
    path("enterprises/<int:pk>/import/", views.roster_import, name="import"),
    path("enterprises/<int:pk>/export/", views.roster_export, name="export"),
    path("enterprises/<int:pk>/template/", views.roster_template, name="template"),
    path("enterprises/<int:pk>/report/", views.case_new, name="case_new"),
    path("workers/<int:pk>/", views.worker_detail, name="worker"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("activities/", views.activity_list, name="activities"),
]
