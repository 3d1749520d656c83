import pytest
from rest_framework.authtoken.models import Token

from tests.api.conftest import Api, api_url, error_of

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "client-list",
    "contact-list",
    "interaction-list",
    "interaction-status-list",
    "plan-list",
]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_anonymous_is_refused_with_the_error_shape(api, anonymous, name):
    response = api(anonymous).get(api_url(name))

    assert response.status_code in (401, 403)
    assert error_of(response)["code"] == "not_authenticated"


def test_token_authentication(api, manager, own_client):
    token = Token.objects.create(user=manager)

    response = api(None).get(api_url("client-list"), HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert response.json()["results"][0]["phones"][0]["number"] == "+74951234567"


def test_token_client_may_post_without_csrf(api, manager, own_client):
    token = Token.objects.create(user=manager)
    browser = api(None, enforce_csrf_checks=True)

    response = browser.patch(
        api_url("client-detail", own_client.pk),
        {"status": "active"},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )

    assert response.status_code == 200, response.content


def test_wrong_token_is_refused_with_the_error_shape(api):
    response = api(None).get(api_url("client-list"), HTTP_AUTHORIZATION="Token nonsense")

    assert response.status_code in (401, 403)
    assert error_of(response)["code"] == "authentication_failed"


def test_session_post_without_csrf_token_is_refused(api, manager, own_client):
    browser = api(manager, enforce_csrf_checks=True)

    response = browser.patch(api_url("client-detail", own_client.pk), {"status": "active"})

    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "permission_denied"
    assert "CSRF" in error["message"]
    own_client.refresh_from_db()
    assert own_client.status == "prospect"


def test_session_post_with_csrf_token_is_accepted(api, manager, own_client):
    browser = api(manager, enforce_csrf_checks=True)
    secret = "a" * 32  # what the csrftoken cookie of a rendered page holds
    browser.browser.cookies["csrftoken"] = secret

    response = browser.patch(
        api_url("client-detail", own_client.pk), {"status": "active"}, HTTP_X_CSRFTOKEN=secret
    )

    assert response.status_code == 200, response.content


def test_malformed_json_is_a_400_with_the_error_shape(api, manager):
    response = api(manager).browser.post(
        api_url("client-list"), "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_validation_errors_list_messages_per_field(api, manager):
    response = Api.post(api(manager), api_url("client-list"), {})

    error = error_of(response)
    assert response.status_code == 400
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"name", "primary_contact"}
    assert all(isinstance(message, str) for message in error["fields"]["name"])


def test_token_user_gets_messages_in_his_language(api, manager):
    manager.language = "ru"
    manager.save()
    token = Token.objects.create(user=manager)

    response = api(None).get(
        api_url("client-detail", 999999), HTTP_AUTHORIZATION=f"Token {token.key}"
    )

    assert response.status_code == 404
    assert error_of(response)["message"] != "Not found."
