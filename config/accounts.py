"""/accounts/: log in, log out (a POST) and password reset by e-mail, Django's own views with
templates that look like the dashboard (config/templates/accounts/). The e-mail goes out
through EMAIL_URL (the console under ``make run``). The URL names are Django's defaults
(``login``, ``password_reset_done``, ...), which its views link to."""

from django.contrib.auth import views as auth
from django.urls import path

urlpatterns = [
    path(
        "login/",
        auth.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path(
        "logout/", auth.LogoutView.as_view(template_name="accounts/logged_out.html"), name="logout"
    ),
    path(
        "password_reset/",
        auth.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(template_name="accounts/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
