"""URLs of the lifecycle pages (appended to the enterprises app's urls)."""

from django.urls import path

from relocation.enterprises import lifecycle_views as views

urlpatterns = [
    path("lifecycle/", views.lifecycle_overview, name="lifecycle_overview"),
    path("lifecycle/overdue/", views.overdue_list, name="lifecycle_overdue"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("letters/", views.letter_register, name="letter_register"),
    path("letters/template/", views.letter_template, name="letter_template"),
    path("letters/template/docx/", views.letter_template_download, name="letter_template_download"),
    path("letters/changes/<int:change_id>/decide/", views.date_change_decide, name="date_change_decide"),
    path("<int:pk>/lifecycle/move/", views.enterprise_move, name="lifecycle_move"),
    path("<int:pk>/lifecycle/forced-closure/", views.forced_closure, name="lifecycle_forced_closure"),
    path("<int:pk>/lifecycle/forced-closure/lift/", views.forced_closure_lift, name="lifecycle_forced_closure_lift"),
    path("<int:pk>/closure/<slug:item>/confirm/", views.closure_confirm, name="closure_confirm"),
    path("<int:pk>/closure/<slug:step>/override/", views.closure_override, name="closure_override"),
    path("<int:pk>/letter/", views.letter_generate, name="letter_generate"),
    path("<int:pk>/letter/docx/", views.letter_download, name="letter_download"),
    path("<int:pk>/letter/upload/", views.letter_upload, name="letter_upload"),
    path("<int:pk>/letter/date-change/", views.letter_date_change, name="letter_date_change"),
]
