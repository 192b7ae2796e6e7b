from django.urls import path

from relocation.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("extra/", views.meeting_create_extra, name="create_extra"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/reschedule/", views.meeting_reschedule, name="reschedule"),
    path("<int:pk>/hold/", views.meeting_hold, name="hold"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/agenda/assemble/", views.agenda_assemble, name="agenda_assemble"),
    path("<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/attendance/", views.attendance_edit, name="attendance"),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes"),
    path("<int:pk>/minutes/issue/", views.minutes_issue, name="minutes_issue"),
    path("<int:pk>/minutes.<str:fmt>", views.minutes_download, name="minutes_download"),
    path("<int:pk>/decisions/add/", views.decision_add, name="decision_add"),
    path("<int:pk>/decisions/tasks/", views.decisions_tasks, name="decisions_tasks"),
    path("<int:pk>/decisions/<int:decision_pk>/task/", views.decision_task, name="decision_task"),
    path("<int:pk>/decisions/<int:decision_pk>/remove/", views.decision_remove, name="decision_remove"),
]
