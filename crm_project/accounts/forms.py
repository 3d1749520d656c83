from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class _BootstrapFieldsMixin:
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class LoginForm(_BootstrapFieldsMixin, AuthenticationForm):
    pass


class CrmPasswordChangeForm(_BootstrapFieldsMixin, PasswordChangeForm):
    pass


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
