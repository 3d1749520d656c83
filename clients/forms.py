from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import Client, LeadSource


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
