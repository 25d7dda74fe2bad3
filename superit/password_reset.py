"""Password reset: Django's views in Super IT's pages.

The request page answers the same whether or not the address has an
account (Django sends mail only to active accounts with a usable
password); the link is Django's signed, single-use token, valid for
PASSWORD_RESET_TIMEOUT.
"""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class ResetRequestView(auth_views.PasswordResetView):
    template_name = "superit/password_reset.html"
    email_template_name = "superit/password_reset_email.txt"
    subject_template_name = "superit/password_reset_subject.txt"
    success_url = reverse_lazy("superit:password-reset-done")


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "superit/password_reset_done.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "superit/password_reset_confirm.html"
    success_url = reverse_lazy("superit:password-reset-complete")


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "superit/password_reset_complete.html"
