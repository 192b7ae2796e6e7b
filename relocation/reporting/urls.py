from django.urls import path

from relocation.reporting import views

app_name = "reporting"
urlpatterns = [
    path("bulletins/", views.bulletin_list, name="list"),
    path("bulletins/compile/", views.bulletin_compile, name="compile"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="detail"),
    path("bulletins/<int:pk>/sections/<slug:key>/", views.section_edit, name="section_edit"),
    path("bulletins/<int:pk>/issue/", views.bulletin_issue, name="issue"),
    path("bulletins/<int:pk>/receipts/", views.bulletin_receipts, name="receipts"),
    path("bulletins/<int:pk>/bulletin.<str:fmt>", views.bulletin_download, name="download"),
]
