from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clients.models import Client, LeadSource

VERSION_FIELD = "version"


def version_field(*, required: bool = True) -> forms.IntegerField:
    """The version of the record the edit form was loaded with (optimistic locking)."""
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1, required=required
    )


def shown_value(record: models.Model, name: str) -> str:
    """A field's saved value as a person reads it (choices by label, dates localized)."""
    value = getattr(record, name)
    if value is None or value == "":
        return gettext("(empty)")
    if record._meta.get_field(name).choices:
        return str(getattr(record, f"get_{name}_display")())
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(formats.localize(value))


def show_conflict(form: forms.BaseForm, record: models.Model, message: str) -> None:
    """Show that `record` changed while the user edited it, keeping everything he typed.

    The message goes on top, the saved value next to each field where it differs from his
    input, and the form now carries the record's current version: saving again applies his
    input over what he has just reviewed.
    """
    form.add_error(None, message)
    cleaned: dict[str, Any] = getattr(form, "cleaned_data", {})
    for name in list(form.fields):
        if name == VERSION_FIELD or not _is_model_field(record, name):
            continue
        if name in cleaned and cleaned[name] == getattr(record, name):
            continue
        form.add_error(
            name, gettext("Currently saved: %(value)s") % {"value": shown_value(record, name)}
        )
    data = form.data.copy()
    data[form.add_prefix(VERSION_FIELD)] = str(record.version)  # type: ignore[attr-defined]
    form.data = data


def _is_model_field(record: models.Model, name: str) -> bool:
    try:
        field = record._meta.get_field(name)
    except FieldDoesNotExist:  # a form-only field
        return False
    return field.concrete and not field.many_to_many


class ClientCreateForm(forms.Form):
    """A new client with its primary contact; the rules live in clients.services.client_create."""

    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=Client.Kind.choices)
    status = forms.ChoiceField(
        label=_("Status"), choices=Client.Status.choices, initial=Client.Status.PROSPECT
    )
    lead_source = forms.ModelChoiceField(
        label=_("Lead source"),
        queryset=LeadSource.objects.filter(is_active=True),
        required=False,
    )
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    middle_name = forms.CharField(label=_("Middle name"), max_length=100, required=False)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=50,
        required=False,
        help_text=_("Any format, e.g. 8 495 123-45-67 or +7 495 123 45 67."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False, widget=forms.EmailInput
    )

    contact_fields = ("last_name", "first_name", "middle_name", "position", "phone", "email")

    def has_contact(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.contact_fields)
