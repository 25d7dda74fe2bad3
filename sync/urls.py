from django.urls import path

from sync import add_views, create_views, views, work_views

app_name = "sync"
urlpatterns = [
    path("connections/<int:pk>/panel/", views.panel, name="panel"),
    path("connections/<int:pk>/status/", views.status, name="status"),
    path("connections/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("connections/<int:pk>/runs/<int:run_pk>/", views.run_detail, name="run"),
    path("connections/<int:pk>/start/<str:kind>/", views.start, name="start"),
    path("tickets/<int:pk>/notes/refresh/", views.refresh_notes, name="refresh-notes"),
    path("tickets/<int:pk>/work/", work_views.ticket_work, name="ticket-work"),
    path(
        "tickets/<int:pk>/work/writes/",
        work_views.ticket_writes,
        name="ticket-writes",
    ),
    path(
        "tickets/<int:pk>/work/status/",
        work_views.change_status,
        name="ticket-status",
    ),
    path("tickets/<int:pk>/work/close/", work_views.close_ticket, name="ticket-close"),
    path("writes/<int:pk>/retry/", work_views.retry_write, name="write-retry"),
    path(
        "writes/<int:pk>/send-anyway/",
        work_views.send_anyway,
        name="write-send-anyway",
    ),
    path("writes/<int:pk>/discard/", work_views.discard_write, name="write-discard"),
    path(
        "connections/<int:pk>/failed-writes/",
        work_views.failed_writes,
        name="failed-writes",
    ),
    path("tickets/<int:pk>/work/note/", add_views.add_note, name="add-note"),
    path("tickets/<int:pk>/work/time/", add_views.add_time, name="add-time"),
    path("tickets/<int:pk>/work/assign/", add_views.assign, name="assign"),
    path(
        "tickets/<int:pk>/work/writes/<int:write_pk>/outcome/",
        add_views.write_outcome,
        name="write-outcome",
    ),
    path("tickets/new/", create_views.create_ticket, name="create-ticket"),
    path(
        "tickets/new/<int:write_pk>/",
        create_views.create_ticket_write,
        name="create-ticket-write",
    ),
]
