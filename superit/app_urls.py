from django.contrib.auth.views import LogoutView
from django.urls import path

from superit import views

app_name = "superit"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(next_page="superit:login"), name="logout"),
    path("tenant/switch/", views.switch_tenant, name="switch-tenant"),
    path("notifications/", views.notifications, name="notifications"),
]
