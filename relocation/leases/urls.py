from django.urls import path

from relocation.leases import views

app_name = "leases"
urlpatterns = [
    path("", views.lease_list, name="list"),
    path("new/", views.lease_create, name="create"),
    path("<int:pk>/", views.lease_detail, name="detail"),
    path("<int:pk>/notice/", views.notice_issue, name="notice_issue"),
    path("<int:pk>/notice.docx", views.notice_download, name="notice_download"),
    path("<int:pk>/refund/", views.refund, name="refund"),
    path("<int:pk>/clearance/", views.clearance, name="clearance"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/disputes/new/", views.dispute_open, name="dispute_open"),
    path("<int:pk>/disputes/resolve/", views.dispute_resolve, name="dispute_resolve"),
]
