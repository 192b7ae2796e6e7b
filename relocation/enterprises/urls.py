from django.urls import path
from django.views.generic import RedirectView

from relocation.enterprises import contact_views, ledger_views, views

app_name = "enterprises"
urlpatterns = [
    path("", views.ledger_list, name="list"),
    path("new/", ledger_views.enterprise_new, name="new"),
    path("export/", ledger_views.ledger_export_view, name="export"),
    path("import/", ledger_views.ledger_import_view, name="import"),
    path("import/<int:pk>/confirm/", ledger_views.ledger_import_confirm, name="import_confirm"),
    path("import/template/", ledger_views.ledger_template, name="template"),
    path("categories/", ledger_views.category_list, name="categories"),
    path("categories/new/", ledger_views.category_edit, name="category_new"),
    path("categories/<slug:code>/edit/", ledger_views.category_edit, name="category_edit"),
    # The API token is a personal account setting; it moved to the account pages (bookmarks still work).
    path("api-token/", RedirectView.as_view(pattern_name="organisation:api_token", permanent=True)),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/category/", ledger_views.category_confirm, name="category_confirm"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("<int:pk>/contacts/link/", contact_views.contact_link, name="contact_link"),
    path("<int:pk>/contacts/<int:link_pk>/unlink/", contact_views.contact_unlink, name="contact_unlink"),
]

# The relocation lifecycle's pages (lifecycle_views.py).
from relocation.enterprises.lifecycle_urls import urlpatterns as lifecycle_urlpatterns  # noqa: E402

urlpatterns += lifecycle_urlpatterns
