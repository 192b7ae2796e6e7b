from django.urls import path

from relocation.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.ledger_list, name="list"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
]
