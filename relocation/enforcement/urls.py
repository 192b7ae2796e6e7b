from django.urls import path

from relocation.enforcement import inspection_views, views

app_name = "enforcement"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("operations/", views.operation_list, name="operation_list"),
    path("operations/new/", views.operation_create, name="operation_create"),
    path("operations/<int:pk>/", views.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/complete/", views.operation_complete, name="operation_complete"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", inspection_views.inspection_create, name="inspection_create"),
    path("inspections/sw.js", inspection_views.service_worker, name="service_worker"),
    path("inspections/drafts/", inspection_views.draft_save, name="draft_save"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/follow-up/", inspection_views.follow_up_perform, name="follow_up"),
    path("inspections/<int:pk>/violations/", views.violation_create, name="violation_create"),
    path("violations/<int:pk>/measures/", views.measure_create, name="measure_create"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/approve/", views.measure_approve, name="measure_approve"),
    path("measures/<int:pk>/reject/", views.measure_reject, name="measure_reject"),
    path("measures/<int:pk>/revoke/", views.measure_revoke, name="measure_revoke"),
    path("measures/<int:pk>/lift/", views.measure_lift, name="measure_lift"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("files/", views.file_index, name="file_index"),
    path("files/<int:pk>/", views.enterprise_file, name="enterprise_file"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.xlsx", views.export_xlsx, name="export"),
    path("configuration/", views.configuration, name="configuration"),
]
