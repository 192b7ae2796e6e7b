from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Each domain app owns its pages under its own prefix and its API under /api/<app>/.
DOMAIN_APPS = [
    "organisation",
    "supervision",
    "enterprises",
    "parks",
    "enforcement",
    "monitoring",
    "meetings",
    "portal",
    "workers",
    "remediation",
    "stability",
    "leases",
    "reporting",
    "dashboard",
]

urlpatterns = [
    path("", include("relocation.core.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file: the CSP forbids inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/core/", include("relocation.core.api_urls")),
]
for _app in DOMAIN_APPS:
    urlpatterns += [
        path(f"{_app}/", include(f"relocation.{_app}.urls")),
        path(f"api/{_app}/", include(f"relocation.{_app}.api_urls")),
    ]

# Error pages in the user's language, with the navigation (the 500 page without any query).
handler400 = "relocation.core.error_pages.bad_request"
handler403 = "relocation.core.error_pages.permission_denied"
handler404 = "relocation.core.error_pages.page_not_found"
handler500 = "relocation.core.error_pages.server_error"
