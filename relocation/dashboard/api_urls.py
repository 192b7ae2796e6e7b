from django.urls import path

from relocation.dashboard import api

urlpatterns = [
    path("indicators/", api.IndicatorsView.as_view(), name="dashboard-indicators"),
    path("map/", api.MapView.as_view(), name="dashboard-map"),
    path("at-risk/", api.AtRiskView.as_view(), name="dashboard-at-risk"),
    path("panels/", api.PanelsView.as_view(), name="dashboard-panels"),
]
