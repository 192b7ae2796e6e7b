from django.urls import path

from relocation.organisation import views

app_name = "organisation"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
]
