from django.urls import include, path

from relocation.core.api_router import ApiRouter
from relocation.portal import api

router = ApiRouter()
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
