import pytest

from clients.models import Client, ContactPerson, Phone
from crm_project.core.models import AuditEntry
from tests.api.conftest import api_url, client_with_contact, error_of
from tests.factories import ClientFactory, LeadSourceFactory

pytestmark = pytest.mark.django_db


def by_id(response):
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


def new_client_payload(**contact):
    return {
        "name": "Horns and Hooves",
        "primary_contact": {
            "last_name": "Bender",
            "first_name": "Ostap",
            "position": "Director",
            "phones": ["+7 916 000-11-22"],
            "emails": ["ostap@example.com"],
            **contact,
        },
    }


def test_manager_sees_his_clients_in_full_and_colleagues_masked(
    api, manager, own_client, colleague_client
):
    rows = by_id(api(manager).get(api_url("client-list")))

    own = rows[own_client.pk]
    assert own["has_personal_data_access"] is True
    assert own["phones"][0]["number"] == "+74951234567"
    assert own["emails"][0]["address"] == "ivanov@example.com"
    assert own["contacts"][0]["last_name"] == "Ivanov"

    colleague = rows[colleague_client.pk]
    assert colleague["name"] == colleague_client.name
    assert colleague["has_personal_data_access"] is False
    assert colleague["phones"][0]["number"] == "+7 *** ***-43-21"
    assert colleague["emails"][0]["address"] == "p*****@example.com"
    assert colleague["contacts"][0]["last_name"] == "I*****"
    assert "Ivanov" not in str(colleague)


def test_detail_masks_like_the_list(api, manager, colleague_client):
    response = api(manager).get(api_url("client-detail", colleague_client.pk))

    assert response.status_code == 200
    assert response.json()["phones"][0]["number"] == "+7 *** ***-43-21"


def test_supervisor_sees_his_team_in_full_and_other_teams_masked(
    api, supervisor, own_client, colleague_client, foreign_client
):
    rows = by_id(api(supervisor).get(api_url("client-list")))

    assert rows[own_client.pk]["phones"][0]["number"] == "+74951234567"
    assert rows[colleague_client.pk]["phones"][0]["number"] == "+74957654321"
    assert rows[foreign_client.pk]["has_personal_data_access"] is False
    assert rows[foreign_client.pk]["emails"][0]["address"] == "s******@example.com"


@pytest.mark.parametrize("persona", ["operator", "admin"])
def test_operator_and_admin_see_everyone_in_full(api, request, persona, foreign_client):
    rows = by_id(api(request.getfixturevalue(persona)).get(api_url("client-list")))

    assert rows[foreign_client.pk]["phones"][0]["number"] == "+78432223344"


def test_missing_client_is_404_with_the_error_shape(api, manager):
    response = api(manager).get(api_url("client-detail", 999999))

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_manager_creates_a_client_and_becomes_responsible(api, manager):
    response = api(manager).post(api_url("client-list"), new_client_payload())

    assert response.status_code == 201, response.content
    body = response.json()
    client = Client.objects.get(pk=body["id"])
    assert client.responsible_manager == manager
    assert client.created_by == manager
    assert body["has_personal_data_access"] is True
    assert body["phones"][0]["number"] == "+79160001122"
    assert body["contacts"][0]["full_name"] == "Bender Ostap"
    assert AuditEntry.objects.filter(action="clients.client.created").count() == 1


def test_manager_may_not_assign_another_manager_on_create(api, manager, other_manager):
    payload = {**new_client_payload(), "responsible_manager": other_manager.pk}

    response = api(manager).post(api_url("client-list"), payload)

    assert response.status_code == 400
    assert "responsible_manager" in error_of(response)["fields"]


def test_operator_creates_a_client_for_a_manager(api, operator, manager):
    payload = {**new_client_payload(), "responsible_manager": manager.pk}

    response = api(operator).post(api_url("client-list"), payload)

    assert response.status_code == 201, response.content
    assert Client.objects.get(pk=response.json()["id"]).responsible_manager == manager


@pytest.mark.parametrize(
    "spelling", ["8 (495) 123-45-67", "84951234567", "+7 495 123 45 67", "74951234567"]
)
def test_duplicate_phone_in_any_spelling_points_to_the_existing_client(
    api, other_manager, own_client, spelling
):
    response = api(other_manager).post(
        api_url("client-list"), new_client_payload(phones=[spelling])
    )

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "duplicate"
    assert error["existing_client"]["id"] == own_client.pk
    assert error["existing_client"]["url"].endswith(api_url("client-detail", own_client.pk))
    assert own_client.name in error["fields"]["primary_contact"]["phones"][0]
    assert Client.objects.count() == 1  # nothing half-saved


def test_duplicate_email_in_other_case_is_refused(api, other_manager, own_client):
    response = api(other_manager).post(
        api_url("client-list"), new_client_payload(phones=[], emails=["IVANOV@example.com"])
    )

    error = error_of(response)
    assert error["code"] == "duplicate"
    assert "emails" in error["fields"]["primary_contact"]
    assert error["existing_client"]["id"] == own_client.pk


@pytest.mark.parametrize(
    ("contact", "field"),
    [({"phones": ["12"]}, "phones"), ({"emails": ["not-an-address"]}, "emails")],
)
def test_invalid_phone_or_email_names_the_field(api, manager, contact, field):
    response = api(manager).post(api_url("client-list"), new_client_payload(**contact))

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == ["primary_contact"]
    assert list(error["fields"]["primary_contact"]) == [field]
    assert not Client.objects.exists()


def test_create_without_a_name_names_the_field(api, manager):
    response = api(manager).post(api_url("client-list"), {**new_client_payload(), "name": ""})

    assert response.status_code == 400
    assert "name" in error_of(response)["fields"]


def test_manager_changes_the_work_fields_of_his_client(api, manager, own_client):
    source = LeadSourceFactory()

    response = api(manager).patch(
        api_url("client-detail", own_client.pk), {"status": "active", "lead_source": source.pk}
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    own_client.refresh_from_db()
    assert (own_client.status, own_client.lead_source) == ("active", source)


def test_manager_may_not_change_the_name(api, manager, own_client):
    response = api(manager).patch(api_url("client-detail", own_client.pk), {"name": "Renamed"})

    assert response.status_code in (400, 403)
    error = error_of(response)
    assert "name" in error.get("fields", {}) or error["code"] == "permission_denied"
    own_client.refresh_from_db()
    assert own_client.name != "Renamed"


def test_manager_may_not_change_a_colleagues_client(api, manager, colleague_client):
    response = api(manager).patch(
        api_url("client-detail", colleague_client.pk), {"status": "inactive"}
    )

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_operator_renames_a_client(api, operator, own_client):
    response = api(operator).patch(api_url("client-detail", own_client.pk), {"name": "Renamed"})

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Renamed"


def test_put_is_not_offered(api, operator, own_client):
    response = api(operator).browser.put(
        api_url("client-detail", own_client.pk), "{}", content_type="application/json"
    )

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("spelling", ["8 (495) 123-45-67", "+74951234567", "84951234567"])
def test_filter_by_phone_in_any_format(api, manager, own_client, colleague_client, spelling):
    rows = by_id(api(manager).get(api_url("client-list", phone=spelling)))

    assert list(rows) == [own_client.pk]


def test_filter_by_status_and_mine(api, manager, own_client, colleague_client):
    Client.objects.filter(pk=colleague_client.pk).update(status="active")

    assert list(by_id(api(manager).get(api_url("client-list", status="active")))) == [
        colleague_client.pk
    ]
    assert list(by_id(api(manager).get(api_url("client-list", mine="true")))) == [own_client.pk]


def test_invalid_filter_value_is_a_400(api, manager):
    response = api(manager).get(api_url("client-list", status="nonsense"))

    assert response.status_code == 400
    assert "status" in error_of(response)["fields"]


def test_list_is_cursor_paginated_without_a_count(api, manager):
    ClientFactory.create_batch(3, responsible_manager=manager)

    first = api(manager).get(api_url("client-list", page_size=2)).json()

    assert "count" not in first
    assert len(first["results"]) == 2
    second = api(manager).get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None


def _client_list_queries(api, user, django_assert_max_num_queries):
    browser = api(user)
    with django_assert_max_num_queries(6):
        response = browser.get(api_url("client-list"))
    return response.json()["results"]


def test_client_list_query_ceiling_with_one_row(
    api, manager, own_client, django_assert_max_num_queries
):
    assert len(_client_list_queries(api, manager, django_assert_max_num_queries)) == 1


def test_client_list_query_ceiling_with_many_rows(
    api, manager, other_manager, django_assert_max_num_queries
):
    for n in range(25):
        client_with_contact(
            manager if n % 2 else other_manager,
            phone=f"+7495555{n:04d}",
            email=f"person{n}@example.com",
        )

    assert len(_client_list_queries(api, manager, django_assert_max_num_queries)) == 25


# Contact persons


def test_contact_persons_are_masked_like_their_client(api, manager, own_client, colleague_client):
    rows = by_id(api(manager).get(api_url("contact-list")))

    own = rows[own_client.contacts.get().pk]
    assert own["phones"][0]["number"] == "+74951234567"
    colleague = rows[colleague_client.contacts.get().pk]
    assert colleague["full_name"] == "I***** I***"
    assert colleague["phones"][0]["number"] == "+7 *** ***-43-21"


def test_contact_persons_filter_by_client(api, manager, own_client, colleague_client):
    rows = by_id(api(manager).get(api_url("contact-list", client=own_client.pk)))

    assert list(rows) == [own_client.contacts.get().pk]


def test_operator_adds_a_contact_person(api, operator, own_client):
    response = api(operator).post(
        api_url("contact-list"),
        {"client": own_client.pk, "last_name": "Petrova", "phones": ["8 916 111-22-33"]},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_primary"] is False
    assert body["phones"][0]["number"] == "+79161112233"
    assert Phone.objects.filter(number_e164="+79161112233", contact_id=body["id"]).exists()


@pytest.mark.parametrize("persona", ["manager", "supervisor"])
def test_managers_may_not_add_contact_persons(api, request, persona, own_client):
    response = api(request.getfixturevalue(persona)).post(
        api_url("contact-list"), {"client": own_client.pk, "last_name": "Petrova"}
    )

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    assert ContactPerson.objects.count() == 1


def test_contact_person_duplicate_phone_points_to_the_existing_client(
    api, operator, own_client, colleague_client
):
    response = api(operator).post(
        api_url("contact-list"),
        {"client": own_client.pk, "last_name": "Petrova", "phones": ["8 495 765-43-21"]},
    )

    error = error_of(response)
    assert error["code"] == "duplicate"
    assert error["existing_client"]["id"] == colleague_client.pk
    assert "phones" in error["fields"]


def test_contact_person_for_a_missing_client_names_the_field(api, operator):
    response = api(operator).post(
        api_url("contact-list"), {"client": 999999, "last_name": "Petrova"}
    )

    assert response.status_code == 400
    assert "client" in error_of(response)["fields"]


def test_contact_list_query_ceiling_is_flat(api, manager, django_assert_max_num_queries):
    browser = api(manager)
    client_with_contact(manager, phone="+74956660000", email="one@example.com")
    with django_assert_max_num_queries(5):
        assert len(browser.get(api_url("contact-list")).json()["results"]) == 1
    for n in range(1, 20):
        client_with_contact(manager, phone=f"+7495666{n:04d}", email=f"c{n}@example.com")
    with django_assert_max_num_queries(5):
        assert len(browser.get(api_url("contact-list")).json()["results"]) == 20
