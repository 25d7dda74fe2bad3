from django.urls import path

from webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("connections/<int:pk>/", views.settings_page, name="settings"),
    path("connections/<int:pk>/enable/", views.enable, name="enable"),
    path("connections/<int:pk>/disable/", views.disable, name="disable"),
    path("connections/<int:pk>/regenerate/", views.regenerate, name="regenerate"),
    path("connections/<int:pk>/register/", views.register, name="register"),
    path("connections/<int:pk>/log/", views.log_page, name="log"),
]
