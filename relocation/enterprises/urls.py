from django.urls import path

from relocation.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.ledger_list, name="list"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
]

# The relocation lifecycle's pages (lifecycle_views.py).
from relocation.enterprises.lifecycle_urls import urlpatterns as lifecycle_urlpatterns  # noqa: E402

urlpatterns += lifecycle_urlpatterns
