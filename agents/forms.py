"""The sign-in form: throttled (config.security), and for people only."""

from __future__ import annotations

from typing import Any

from django import forms

from agents.models import Role, User
from config.security import ThrottledAuthenticationForm


class SignInForm(ThrottledAuthenticationForm):
    error_messages = {
        **ThrottledAuthenticationForm.error_messages,
        "service_account": "This is a service account: it uses the API with a token and cannot sign in here.",
    }

    def clean(self) -> dict[str, Any]:
        username, password = self.data.get("username", ""), self.data.get("password", "")
        account = User.objects.filter(username__iexact=username, role=Role.INTEGRATOR).first()
        # Said only to whoever knows the password: it reveals nothing to a guesser.
        if account is not None and password and account.check_password(password):
            raise forms.ValidationError(self.error_messages["service_account"], code="service_account")
        return super().clean()
