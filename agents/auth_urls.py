"""Sign in and out, outside any namespace (``login`` and ``logout`` are Django's names)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from agents.forms import SignInForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True, authentication_form=SignInForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
