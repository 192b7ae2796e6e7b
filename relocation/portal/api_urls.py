from django.urls import include, path
from rest_framework.routers import DefaultRouter

from relocation.portal import api

router = DefaultRouter()
router.register("inquiries", api.InquiryViewSet, basename="inquiry")

# Anonymous endpoints: core.middleware lets the `public` namespace through.
public_patterns = (
    [
        path("inquiries/", api.PublicSubmitView.as_view(), name="submit"),
        path("lookup/", api.PublicLookupView.as_view(), name="lookup"),
    ],
    "public",
)
urlpatterns = [path("public/", include(public_patterns)), *router.urls]
