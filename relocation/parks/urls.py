from django.urls import path

from relocation.parks import views

app_name = "parks"
urlpatterns = [
    path("", views.park_list, name="list"),
    path("new/", views.park_create, name="create"),
    path("<int:pk>/", views.park_detail, name="detail"),
    path("<int:pk>/edit/", views.park_edit, name="edit"),
    path("<int:pk>/progress/", views.park_progress, name="progress"),
    path("demands/", views.demand_list, name="demands"),
    path("demands/<int:enterprise_pk>/", views.demand_edit, name="demand_edit"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/confirm/", views.proposal_confirm_bulk, name="proposal_confirm"),
    path("allocations/<int:pk>/decide/", views.allocation_decide, name="allocation_decide"),
    path("procedures/", views.procedure_overview, name="procedures"),
    path("procedures/items/<int:pk>/", views.procedure_item, name="procedure_item"),
    path("incentives/", views.policy_list, name="policies"),
    path("incentives/<int:pk>/", views.policy_detail, name="policy"),
    path("incentives/grants/<int:pk>/decide/", views.grant_decide, name="grant_decide"),
    path("incentives/grants/<int:pk>/pay/", views.grant_pay, name="grant_pay"),
]
