from django.urls import path

from relocation.dashboard import exports, views

app_name = "dashboard"
urlpatterns = [
    path("", views.board, name="board"),
    path("wall/", views.wall, name="wall"),
    path("data.json", views.data_json, name="data"),
    path("map.json", views.map_json, name="map"),
    path("base.json", views.base_json, name="base"),
    path("layers.json", views.layers_json, name="layers"),
    path("enterprises/<int:pk>/card/", views.enterprise_card, name="card"),
    path("export.png", exports.export_png, name="export_png"),
    path("export.pdf", exports.export_pdf, name="export_pdf"),
]
