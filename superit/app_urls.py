from django.contrib.auth.views import LogoutView
from django.urls import path

from superit import teams, views

app_name = "superit"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(next_page="superit:login"), name="logout"),
    path("tenant/switch/", views.switch_tenant, name="switch-tenant"),
    path("notifications/", views.notifications, name="notifications"),
    path("teams/", teams.team_list, name="teams"),
    path("teams/add/", teams.team_add, name="team-add"),
    path("teams/<int:pk>/rename/", teams.team_rename, name="team-rename"),
    path("teams/<int:pk>/members/add/", teams.member_add, name="team-member-add"),
    path(
        "teams/<int:pk>/members/<int:membership_pk>/remove/",
        teams.member_remove,
        name="team-member-remove",
    ),
]
