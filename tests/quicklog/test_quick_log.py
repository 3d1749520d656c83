"""Quick logging from the client card: each kind's small form, errors by field, htmx and plain."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import ClientQuerySet, ContactPerson
from crm_project.core import phones
from interactions.models import Interaction
from interactions.views.quick_log import COUNTERS_CHANGED_EVENT
from tests.factories import ClientFactory, ContactPersonFactory, status
from tests.ui.conftest import OTHER_PHONE, make_client_with_contacts

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def picklist(statuses):
    return statuses


@pytest.fixture
def own_client(manager):
    return make_client_with_contacts(
        manager, name="Romashka", phone="+74951234567", email="ivanov@romashka.example"
    )


@pytest.fixture
def colleagues_client(other_manager):
    return make_client_with_contacts(
        other_manager, name="Vasilek", phone=OTHER_PHONE, email="petrova@vasilek.example"
    )


def url(client, form_kind):
    return reverse("interactions:quick_log", args=[client.pk, form_kind])


def for_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def errors_of(response):
    return response.context["form"].errors


def test_outgoing_call_is_logged_and_back_to_the_card(manager, own_client, login):
    contact = own_client.contacts.get()

    response = login(manager).post(
        url(own_client, "call"),
        {
            "direction": "outgoing",
            "status": "completed",
            "result": "Sent the price list",
            "contact": contact.pk,
            "duration": "4",
        },
    )

    interaction = Interaction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{own_client.get_absolute_url()}?log=call#client-journal"
    assert interaction.kind == Interaction.Kind.OUTGOING_CALL
    assert interaction.status == status("outgoing_call", "completed")
    assert interaction.result == "Sent the price list"
    assert interaction.contact == contact
    assert interaction.duration_seconds == 240
    assert interaction.manager == manager
    assert interaction.occurred_at is not None and interaction.planned_at is None
    own_client.refresh_from_db()
    assert own_client.last_interaction_at == interaction.occurred_at


def test_incoming_call_takes_the_incoming_status(manager, own_client, login):
    login(manager).post(
        url(own_client, "call"), {"direction": "incoming", "status": "call_back_later"}
    )

    interaction = Interaction.objects.get()
    assert interaction.kind == Interaction.Kind.INCOMING_CALL
    assert interaction.status == status("incoming_call", "call_back_later")


def test_call_needs_a_status(manager, own_client, login):
    response = login(manager).post(url(own_client, "call"), {"direction": "outgoing"})

    assert response.status_code == 200
    assert "status" in errors_of(response)
    assert 'data-error-for="status"' in response.content.decode()
    assert not Interaction.objects.exists()


def test_call_status_that_requires_a_result_demands_one(manager, own_client, login):
    response = login(manager).post(
        url(own_client, "call"), {"direction": "outgoing", "status": "completed"}
    )

    assert "result" in errors_of(response)
    assert 'data-error-for="result"' in response.content.decode()
    assert not Interaction.objects.exists()


def test_call_status_of_another_kind_is_refused(manager, own_client, login):
    response = login(manager).post(
        url(own_client, "call"), {"direction": "outgoing", "status": "held"}
    )

    assert "status" in errors_of(response)
    assert not Interaction.objects.exists()


def test_call_statuses_come_from_the_picklist(manager, own_client, login):
    completed = status("outgoing_call", "completed")
    completed.name = "Done and dusted"
    completed.save()
    status("outgoing_call", "missed").delete()
    status("incoming_call", "missed").delete()

    html = login(manager).get(url(own_client, "call")).content.decode()

    assert "Done and dusted" in html
    assert 'value="missed"' not in html
    assert re.search(r'value="completed"[^>]*data-requires-result="true"', html)


def test_planned_call_becomes_a_task(manager, own_client, login):
    when = timezone.now() + datetime.timedelta(days=1)

    login(manager).post(
        url(own_client, "call"),
        {"direction": "outgoing", "when": for_input(when), "subject": "Call back about the price"},
    )

    task = Interaction.objects.get()
    assert task.occurred_at is None
    assert task.planned_at == when.replace(second=0, microsecond=0)
    assert task.manager == manager
    assert task.status == status("outgoing_call", "planned")
    own_client.refresh_from_db()
    assert own_client.last_interaction_at is None


def test_held_meeting_is_logged(manager, own_client, login):
    contact = own_client.contacts.get()
    when = timezone.now() - datetime.timedelta(hours=2)

    response = login(manager).post(
        url(own_client, "meeting"),
        {
            "state": "held",
            "when": for_input(when),
            "contact": contact.pk,
            "subject": "Contract terms",
            "result": "Agreed on 30 days' credit",
        },
    )

    meeting = Interaction.objects.get()
    assert response.status_code == 302
    assert meeting.kind == Interaction.Kind.MEETING
    assert meeting.occurred_at == when.replace(second=0, microsecond=0)
    assert meeting.status == status("meeting", "held")
    assert meeting.result == "Agreed on 30 days' credit"


def test_held_meeting_without_a_result_is_refused_naming_the_field(manager, own_client, login):
    response = login(manager).post(
        url(own_client, "meeting"),
        {
            "state": "held",
            "when": for_input(timezone.now()),
            "contact": own_client.contacts.get().pk,
            "subject": "Contract terms",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert list(errors_of(response)) == ["result"]
    assert 'data-error-for="result"' in html
    assert "Nothing has been saved" in html
    assert not Interaction.objects.exists()


def test_held_meeting_names_every_missing_field_at_once(manager, own_client, login):
    browser = login(manager)

    undated = browser.post(url(own_client, "meeting"), {"state": "held", "when": ""})
    dated = browser.post(
        url(own_client, "meeting"), {"state": "held", "when": for_input(timezone.now())}
    )

    assert {"when", "contact", "subject"} <= set(errors_of(undated))
    assert {"contact", "subject", "result"} <= set(errors_of(dated))
    assert not Interaction.objects.exists()


def test_held_meeting_needs_a_contact_one_can_reach(manager, own_client, login):
    unreachable = ContactPersonFactory(client=own_client, last_name="Nobody")

    response = login(manager).post(
        url(own_client, "meeting"),
        {
            "state": "held",
            "when": for_input(timezone.now()),
            "contact": unreachable.pk,
            "subject": "Contract terms",
            "result": "Agreed",
        },
    )

    assert "contact" in errors_of(response)
    assert not Interaction.objects.exists()


def test_planned_meeting_creates_a_task(manager, own_client, login):
    when = timezone.now() + datetime.timedelta(days=2)

    login(manager).post(
        url(own_client, "meeting"),
        {
            "state": "planned",
            "when": for_input(when),
            "contact": own_client.contacts.get().pk,
            "subject": "Presentation",
            "result": "ignored for a planned meeting",
        },
    )

    task = Interaction.objects.get()
    assert task.kind == Interaction.Kind.MEETING
    assert task.planned_at == when.replace(second=0, microsecond=0)
    assert task.occurred_at is None
    assert task.result == ""
    assert task.status == status("meeting", "planned")
    assert task.manager == manager


def test_planned_meeting_needs_contact_and_subject_but_no_result(manager, own_client, login):
    response = login(manager).post(
        url(own_client, "meeting"),
        {"state": "planned", "when": for_input(timezone.now() + datetime.timedelta(days=1))},
    )

    assert {"contact", "subject"} <= set(errors_of(response))
    assert "result" not in errors_of(response)


def test_email_is_logged(manager, own_client, login):
    login(manager).post(
        url(own_client, "email"),
        {"direction": "incoming", "subject": "Price request", "summary": "Wants 200 units"},
    )

    email = Interaction.objects.get()
    assert email.kind == Interaction.Kind.INCOMING_EMAIL
    assert email.subject == "Price request"
    assert email.result == "Wants 200 units"


def test_email_needs_a_subject(manager, own_client, login):
    response = login(manager).post(url(own_client, "email"), {"direction": "outgoing"})

    assert "subject" in errors_of(response)
    assert not Interaction.objects.exists()


def test_note_is_logged(manager, own_client, login):
    login(manager).post(url(own_client, "note"), {"text": "Moves office in May"})

    note = Interaction.objects.get()
    assert note.kind == Interaction.Kind.NOTE
    assert note.result == "Moves office in May"


def test_note_needs_its_text(manager, own_client, login):
    response = login(manager).post(url(own_client, "note"), {"text": "  "})

    assert "text" in errors_of(response)
    assert not Interaction.objects.exists()


def test_logging_on_another_managers_client_works_and_is_mine(manager, colleagues_client, login):
    login(manager).post(url(colleagues_client, "note"), {"text": "Asked about delivery"})

    note = Interaction.objects.get()
    assert note.client == colleagues_client
    assert note.manager == manager
    assert note.created_by == manager


def test_another_managers_contacts_are_offered_masked(manager, colleagues_client, login):
    html = login(manager).get(url(colleagues_client, "meeting")).content.decode()

    assert phones.mask(OTHER_PHONE) in html
    assert phones.format_for_display(OTHER_PHONE) not in html
    assert phones.mask_email("petrova@vasilek.example") in html


def test_own_contacts_are_offered_in_full(manager, own_client, login):
    html = login(manager).get(url(own_client, "meeting")).content.decode()

    assert phones.format_for_display("+74951234567") in html
    assert "ivanov@romashka.example" in html


def test_contact_of_another_client_is_refused(manager, own_client, colleagues_client, login):
    response = login(manager).post(
        url(own_client, "meeting"),
        {
            "state": "planned",
            "when": for_input(timezone.now() + datetime.timedelta(days=1)),
            "contact": colleagues_client.contacts.get().pk,
            "subject": "Presentation",
        },
    )

    assert "contact" in errors_of(response)
    assert not Interaction.objects.exists()


def test_htmx_success_swaps_in_the_row_and_a_fresh_form_and_triggers_counters(
    manager, own_client, login
):
    response = login(manager).post(url(own_client, "note"), {"text": "Moves office in May"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == COUNTERS_CHANGED_EVENT
    assert "<html" not in html
    assert 'hx-swap-oob="afterbegin:#client-journal-rows"' in html
    assert f'data-interaction="{Interaction.objects.get().pk}"' in html
    assert 'data-testid="quick-log-saved"' in html
    assert 'id="client-last-contact"' in html and "today" in html
    form = response.context["form"]
    assert not form.is_bound
    assert "autofocus" in str(form["text"])


def test_htmx_error_swaps_in_the_form_with_errors_and_triggers_nothing(manager, own_client, login):
    response = login(manager).post(url(own_client, "note"), {"text": ""}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert "<html" not in html
    assert 'data-error-for="text"' in html
    assert "hx-swap-oob" not in html


def test_form_page_is_keyboard_friendly(manager, own_client, login):
    html = login(manager).get(url(own_client, "meeting")).content.decode()

    form = html[html.index('id="quick-log-meeting"') :]
    assert form.count("autofocus") == 1
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', form)
    assert ids
    for field_id in ids:
        assert f'for="{field_id}"' in form, f"no label for {field_id}"
    assert 'type="submit"' in form


def test_invisible_client_is_404(manager, own_client, login, monkeypatch):
    monkeypatch.setattr(ClientQuerySet, "visible_to", lambda self, user: self.none())

    response = login(manager).post(url(own_client, "note"), {"text": "Hello"})

    assert response.status_code == 404
    assert not Interaction.objects.exists()


def test_missing_client_and_unknown_kind_are_404(manager, own_client, login):
    browser = login(manager)

    assert (
        browser.post(url(ClientFactory.build(pk=999999), "note"), {"text": "x"}).status_code == 404
    )
    assert browser.get(url(own_client, "fax")).status_code == 404


def test_operator_may_not_log(operator, own_client, login):
    browser = login(operator)

    assert browser.get(url(own_client, "call")).status_code == 403
    assert browser.post(url(own_client, "note"), {"text": "Hello"}).status_code == 403
    assert not Interaction.objects.exists()


def test_anonymous_is_sent_to_login(anonymous, own_client, login):
    response = login(anonymous).post(url(own_client, "note"), {"text": "Hello"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Interaction.objects.exists()


def test_supervisor_logs_in_his_own_name(supervisor, own_client, login):
    login(supervisor).post(url(own_client, "note"), {"text": "Checked the account"})

    assert Interaction.objects.get().manager == supervisor


def test_the_only_contact_person_is_chosen_already(manager, login):
    client = ClientFactory(responsible_manager=manager)
    contact = ContactPersonFactory(client=client)
    assert ContactPerson.objects.filter(client=client).count() == 1

    html = login(manager).get(reverse("clients:detail", args=[client.pk])).content.decode()

    assert f'<option value="{contact.pk}" selected>' in html
