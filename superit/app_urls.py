from django.contrib.auth.views import LogoutView
from django.urls import path

from superit import (
    accounts,
    password_reset,
    teams,
    two_factor_views,
    views,
    views_audit,
    views_invitations,
)

app_name = "superit"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(next_page="superit:login"), name="logout"),
    path(
        "password-reset/",
        password_reset.ResetRequestView.as_view(),
        name="password-reset",
    ),
    path(
        "password-reset/sent/",
        password_reset.ResetSentView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        password_reset.ResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        password_reset.ResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("account/two-factor/", two_factor_views.setup, name="two-factor-setup"),
    path(
        "account/two-factor/verify/",
        two_factor_views.verify,
        name="two-factor-verify",
    ),
    path("invitations/accept/", views_invitations.accept, name="invitation"),
    path("people/", accounts.people, name="people"),
    path("people/invite/", views_invitations.invite, name="invitation-add"),
    path(
        "people/invitations/<int:pk>/resend/",
        views_invitations.resend,
        name="invitation-resend",
    ),
    path(
        "people/invitations/<int:pk>/revoke/",
        views_invitations.revoke,
        name="invitation-revoke",
    ),
    path(
        "people/<int:pk>/deactivate/",
        accounts.deactivate,
        name="membership-deactivate",
    ),
    path(
        "people/<int:pk>/reactivate/",
        accounts.reactivate,
        name="membership-reactivate",
    ),
    path("tenant/switch/", views.switch_tenant, name="switch-tenant"),
    path("notifications/", views.notifications, name="notifications"),
    path("audit/", views_audit.audit_log, name="audit-log"),
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
