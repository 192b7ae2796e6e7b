from django.urls import path

from relocation.organisation import approval_views, robot_views, setup_views, views

app_name = "organisation"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("programme/choose/", views.programme_choose, name="programme_choose"),
    path("setup/", setup_views.programme_setup, name="setup"),
    path("setup/<int:pk>/", setup_views.programme_setup_detail, name="setup_programme"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/robot/", robot_views.unit_robot, name="unit_robot"),
    path("memberships/", views.memberships, name="memberships"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<int:pk>/", views.account_edit, name="account"),
    path("accounts/<int:pk>/password/", views.account_password, name="account_password"),
    path("accounts/<int:pk>/active/", views.account_active, name="account_active"),
    path("password/", views.password_change, name="password_change"),
    path("api-token/", views.api_token, name="api_token"),
    path("security/", views.security_list, name="security"),
    path("approvals/", approval_views.approval_list, name="approvals"),
    path("approvals/<int:pk>/decide/", approval_views.approval_decide, name="approval_decide"),
    path("security/<int:pk>/unlock/", views.security_unlock, name="security_unlock"),
    path("security/<int:pk>/second-factor-reset/", views.security_second_factor_reset, name="security_2fa_reset"),
]
