from django.urls import path

from sparky import settings_views, views

app_name = "sparky"
urlpatterns = [
    path("tickets/<int:pk>/", views.panel, name="panel"),
    path("tickets/<int:pk>/ask/", views.ask, name="ask"),
    path("tickets/<int:pk>/new/", views.new_conversation, name="new"),
    path("messages/<int:pk>/", views.message, name="message"),
    path("proposals/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("proposals/<int:pk>/decline/", views.decline, name="decline"),
    path("settings/", settings_views.provider_settings, name="settings"),
]
