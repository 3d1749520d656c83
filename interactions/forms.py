"""Quick-log forms: one small form per kind of interaction, each asking for its minimum data set.

The forms only parse what was typed. The rules (what a held meeting needs, which status demands
a result) live in interactions.services.interaction_log; the view puts its errors back on these
fields with `add_service_error`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from interactions.models import Direction, InteractionStatus, Kind

if TYPE_CHECKING:
    from clients.models import Client, ContactPerson

# A time this far ahead plans the call instead of logging it (the clocks of browser and server
# may differ by a little).
PLANNING_MARGIN = datetime.timedelta(minutes=1)
DATETIME_INPUT_FORMAT = "%Y-%m-%dT%H:%M"

StatusesByKind = dict[str, list[InteractionStatus]]


def statuses_by_kind() -> StatusesByKind:
    """The active status picklist of every kind, in the admin's order: one query."""
    grouped: StatusesByKind = defaultdict(list)
    for status in InteractionStatus.objects.filter(is_active=True).order_by("position", "id"):
        grouped[status.kind].append(status)
    return grouped


def contact_label(contact: ContactPerson) -> str:
    """A contact person with the phones and e-mails the view prepared (masked where due)."""
    details = [*getattr(contact, "shown_phones", []), *getattr(contact, "shown_emails", [])]
    name = getattr(contact, "shown_name", contact.full_name)
    if not details:
        return gettext("%(name)s (no phone or e-mail)") % {"name": name}
    return f"{name} · {', '.join(details)}"


def now_for_input() -> datetime.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


class StatusSelect(forms.Select):
    """A status picklist whose options say whether they demand a result (for quick_log.js)."""

    def __init__(self, *args: Any, requires_result: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requires_result = requires_result or set()

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.requires_result:
            option["attrs"]["data-requires-result"] = "true"
        return option


def when_field(*, required: bool = False, help_text: Promise | str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("When"),
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT_FORMAT),
    )


def contact_field() -> forms.ChoiceField:
    # Choices are the client's contacts, set per form; a ChoiceField (not a ModelChoiceField)
    # so the labels reuse the contacts the card has already loaded and masked.
    return forms.ChoiceField(label=_("Contact person"), required=False)


class QuickLogForm(forms.Form):
    """The common part: the client's contacts as choices, autofocus, service errors."""

    form_kind: ClassVar[str] = ""
    title: ClassVar[Promise]
    # The fields of the kind's minimum data set: marked as such, checked by the service.
    minimum_fields: ClassVar[tuple[str, ...]] = ()
    # Service argument -> the field that shows its error; others go above the form.
    service_fields: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        data: Any = None,
        *,
        client: Client,
        contacts: list[ContactPerson],
        statuses: StatusesByKind,
    ) -> None:
        super().__init__(data, auto_id=f"quick-{self.form_kind}-%s")
        self.client = client
        self.contacts_by_id = {str(contact.pk): contact for contact in contacts}
        self.statuses = statuses
        if "contact" in self.fields:
            self.fields["contact"].choices = [("", gettext("— not chosen —"))] + [
                (str(contact.pk), contact_label(contact)) for contact in contacts
            ]
            # With one contact person there is nothing to choose: save the manager a click.
            if len(contacts) == 1:
                self.fields["contact"].initial = str(contacts[0].pk)
        for name in self.minimum_fields:
            self.fields[name].widget.attrs["aria-required"] = "true"

    def set_autofocus(self) -> None:
        """Focus the first field one types into (radio buttons keep their sensible default)."""
        for field in self.fields.values():
            if not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["autofocus"] = True
                return

    def clean_contact(self) -> ContactPerson | None:
        return self.contacts_by_id.get(self.cleaned_data.get("contact") or "")

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for interaction_log, besides `actor` and `client`."""
        raise NotImplementedError

    def add_service_error(self, error: ValidationError) -> None:
        """Put the service's errors next to the fields they name, the rest above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            field = self.service_fields.get(key, key)
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class CallForm(QuickLogForm):
    form_kind = "call"
    title = _("Call")
    minimum_fields = ("direction", "status")
    service_fields = {"occurred_at": "when", "planned_at": "when", "duration_seconds": "duration"}

    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Direction.choices,
        initial=Direction.OUTGOING,
        widget=forms.RadioSelect,
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contact = contact_field()
    when = when_field(
        help_text=_("Empty: just now. A time ahead plans the call and puts it on My day.")
    )
    duration = forms.IntegerField(
        label=_("Duration, minutes"), required=False, min_value=0, max_value=24 * 60
    )
    subject = forms.CharField(label=_("Subject"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Incoming and outgoing calls share their status codes; offer each code once.
        choices: dict[str, str] = {}
        requires_result: set[str] = set()
        for kind in (Kind.OUTGOING_CALL, Kind.INCOMING_CALL):
            for status in self.statuses.get(kind, []):
                choices.setdefault(status.code, status.localized_name)
                if status.requires_result:
                    requires_result.add(status.code)
        field = self.fields["status"]
        field.choices = [("", gettext("— choose —")), *choices.items()]
        field.widget = StatusSelect(choices=field.choices, requires_result=requires_result)

    @property
    def kind(self) -> str:
        if self.cleaned_data.get("direction") == Direction.INCOMING:
            return Kind.INCOMING_CALL
        return Kind.OUTGOING_CALL

    @property
    def is_planned(self) -> bool:
        when = self.cleaned_data.get("when")
        return when is not None and when > timezone.now() + PLANNING_MARGIN

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        code = cleaned.get("status") or ""
        cleaned["status"] = None
        if not code:
            if not self.is_planned:
                self.add_error("status", gettext("Choose what came of the call."))
            return cleaned
        for status in self.statuses.get(self.kind, []):
            if status.code == code:
                cleaned["status"] = status
                return cleaned
        self.add_error("status", gettext("This status is not offered for a call this way."))
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        when = data["when"]
        duration = data["duration"]
        return {
            "kind": self.kind,
            "contact": data["contact"],
            "status": data["status"],
            "result": data["result"],
            "subject": data["subject"],
            "duration_seconds": None if duration is None else duration * 60,
            "planned_at": when if self.is_planned else None,
            "occurred_at": None if self.is_planned else when,
        }


class MeetingForm(QuickLogForm):
    HELD = "held"
    PLANNED = "planned"

    form_kind = "meeting"
    title = _("Meeting")
    minimum_fields = ("state", "when", "contact", "subject")
    service_fields = {"occurred_at": "when", "planned_at": "when", "status": "state"}

    state = forms.ChoiceField(
        label=_("The meeting"),
        choices=[(HELD, _("took place")), (PLANNED, _("is planned"))],
        initial=HELD,
        widget=forms.RadioSelect,
    )
    when = when_field()
    contact = contact_field()
    subject = forms.CharField(label=_("Subject"), max_length=255, required=False)
    result = forms.CharField(
        label=_("Result"),
        required=False,
        help_text=_("Needed once the meeting has taken place."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["when"].initial = now_for_input

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        is_planned = data["state"] == self.PLANNED
        # No status: the service makes a meeting that took place "held" and a future one
        # "planned", from the admin's picklist.
        return {
            "kind": Kind.MEETING,
            "contact": data["contact"],
            "subject": data["subject"],
            "result": "" if is_planned else data["result"],
            "planned_at": data["when"] if is_planned else None,
            "occurred_at": None if is_planned else data["when"],
        }


class EmailForm(QuickLogForm):
    form_kind = "email"
    title = _("E-mail")
    minimum_fields = ("direction", "subject")
    service_fields = {"occurred_at": "when", "result": "summary"}

    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[
            (Direction.OUTGOING, _("Sent to the client")),
            (Direction.INCOMING, _("Received from the client")),
        ],
        initial=Direction.OUTGOING,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Subject"), max_length=255)
    contact = contact_field()
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    when = when_field(help_text=_("Empty: just now."))

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        incoming = data["direction"] == Direction.INCOMING
        return {
            "kind": Kind.INCOMING_EMAIL if incoming else Kind.OUTGOING_EMAIL,
            "contact": data["contact"],
            "subject": data["subject"],
            "result": data["summary"],
            "occurred_at": data["when"],
        }


class NoteForm(QuickLogForm):
    form_kind = "note"
    title = _("Note")
    minimum_fields = ("text",)
    service_fields = {"result": "text", "subject": "text"}

    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))

    def service_arguments(self) -> dict[str, Any]:
        return {"kind": Kind.NOTE, "result": self.cleaned_data["text"]}


QUICK_LOG_FORMS: dict[str, type[QuickLogForm]] = {
    form.form_kind: form for form in (CallForm, MeetingForm, EmailForm, NoteForm)
}


def quick_log_forms(
    *, client: Client, contacts: list[ContactPerson], statuses: StatusesByKind
) -> dict[str, QuickLogForm]:
    """An empty form of every kind, in the order the panel shows them."""
    return {
        form_kind: form_class(client=client, contacts=contacts, statuses=statuses)
        for form_kind, form_class in QUICK_LOG_FORMS.items()
    }
