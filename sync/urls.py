from django.urls import path

from sync import views

app_name = "sync"
urlpatterns = [
    path("connections/<int:pk>/panel/", views.panel, name="panel"),
    path("connections/<int:pk>/status/", views.status, name="status"),
    path("connections/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("connections/<int:pk>/runs/<int:run_pk>/", views.run_detail, name="run"),
    path("connections/<int:pk>/start/<str:kind>/", views.start, name="start"),
    path("tickets/<int:pk>/notes/refresh/", views.refresh_notes, name="refresh-notes"),
]
