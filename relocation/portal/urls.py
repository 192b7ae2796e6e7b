from django.urls import include, path

from relocation.portal import views

# Reachable without logging in: core.middleware allows the `public` namespace.
public_patterns = (
    [
        path("", views.public_home, name="home"),
        path("lookup/", views.public_lookup, name="lookup"),
        # Each programme's own public entry (its intro; reports land in it).
        path("<slug:code>/", views.public_home, name="home_for"),
    ],
    "public",
)

app_name = "portal"
urlpatterns = [
    path("public/", include(public_patterns)),
    path("", views.inbox, name="inbox"),
    path("ask/", views.ask, name="ask"),
    path("settings/", views.kind_settings, name="settings"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/draft/", views.draft, name="draft"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
]
