"""API tokens: each user creates, replaces and revokes his own; an admin revokes anyone's."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from crm_project.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def api_status(key: str) -> int:
    from django.test import Client as BrowserClient

    return (
        BrowserClient()
        .get(reverse("api:client-list"), HTTP_AUTHORIZATION=f"Token {key}")
        .status_code
    )


def test_the_page_never_shows_an_existing_key(manager, login):
    token = Token.objects.create(user=manager)
    response = login(manager).get(reverse("api_token"))
    assert response.status_code == 200
    assert token.key not in response.content.decode()
    assert b"You have a token" in response.content


def test_creating_a_token_shows_the_key_once_and_it_works(manager, login):
    browser = login(manager)
    response = browser.post(reverse("api_token_rotate"))

    token = Token.objects.get(user=manager)
    assert token.key in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert api_status(token.key) == 200
    assert token.key not in browser.get(reverse("api_token")).content.decode()
    entry = AuditEntry.objects.get(action="accounts.api_token.created")
    assert (entry.actor, entry.object_id) == (manager, str(manager.pk))
    assert token.key not in str(entry.changes) + entry.object_repr


def test_replacing_a_token_stops_the_old_key_at_once(manager, login):
    old = Token.objects.create(user=manager).key
    login(manager).post(reverse("api_token_rotate"))

    new = Token.objects.get(user=manager).key
    assert new != old
    assert api_status(old) == 401
    assert api_status(new) == 200
    assert AuditEntry.objects.filter(action="accounts.api_token.rotated").count() == 1


def test_revoking_a_token_stops_it_and_is_audited(manager, login):
    key = Token.objects.create(user=manager).key
    response = login(manager).post(reverse("api_token_revoke"), follow=True)

    assert b"Your API token has been revoked." in response.content
    assert not Token.objects.filter(user=manager).exists()
    assert api_status(key) == 401
    entry = AuditEntry.objects.get(action="accounts.api_token.revoked")
    assert entry.actor == manager


def test_revoking_without_a_token_writes_nothing(manager, login):
    login(manager).post(reverse("api_token_revoke"))
    assert not AuditEntry.objects.filter(action__startswith="accounts.api_token").exists()


def test_token_changes_are_post_only(manager, login):
    browser = login(manager)
    assert browser.get(reverse("api_token_rotate")).status_code == 405
    assert browser.get(reverse("api_token_revoke")).status_code == 405
    assert not Token.objects.exists()


def test_a_user_touches_only_his_own_token(manager, other_manager, login):
    other_key = Token.objects.create(user=other_manager).key
    login(manager).post(reverse("api_token_revoke"))
    login(manager).post(reverse("api_token_rotate"))
    assert Token.objects.get(user=other_manager).key == other_key


def test_an_admin_revokes_selected_users_tokens_in_the_admin(admin, manager, supervisor, login):
    manager_key = Token.objects.create(user=manager).key
    Token.objects.create(user=supervisor)
    response = login(admin).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "revoke_api_tokens", "_selected_action": [manager.pk, supervisor.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert b"2 API tokens revoked." in response.content
    assert not Token.objects.exists()
    assert api_status(manager_key) == 401
    entries = AuditEntry.objects.filter(action="accounts.api_token.revoked")
    assert {(entry.actor, entry.object_id) for entry in entries} == {
        (admin, str(manager.pk)),
        (admin, str(supervisor.pk)),
    }
