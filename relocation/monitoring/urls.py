from django.urls import path

from relocation.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/close/", views.alert_close, name="alert_close"),
    path("alerts/<int:pk>/assign/", views.alert_assign, name="alert_assign"),
    path("enterprises/<int:pk>/", views.enterprise_monitoring, name="enterprise"),
    path("enterprises/<int:pk>/section/", views.enterprise_section, name="enterprise_section"),
    path("enterprises/<int:pk>/utility.json", views.utility_chart, name="utility_chart"),
    path("enterprises/<int:pk>/toxic/", views.toxic_ledger, name="toxic"),
    path("enterprises/<int:pk>/toxic/<int:movement>/reverse/", views.toxic_reverse, name="toxic_reverse"),
    path("points/", views.point_list, name="points"),
    path("devices/", views.device_health, name="devices"),
    path("report/", views.exceedance_report, name="report"),
    path("points/new/", views.point_edit, name="point_create"),
    path("points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("points/<int:pk>/chart.json", views.point_chart, name="point_chart"),
    path("utility/import/", views.utility_import, name="utility_import"),
    path("limits/", views.limit_list, name="limits"),
    path("policy/", views.policy_edit, name="policy"),
]
