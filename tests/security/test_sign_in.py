"""Sign-in hardening: throttling per account and per address with a cool-off, strong passwords,
sessions that end and expire."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture
def axes_on(settings):
    """django-axes as in production (settings_test turns it off for Client.login)."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    return settings


def sign_in(username, password, address="10.0.0.1", language="en"):
    browser = BrowserClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)
    return browser.post(reverse("login"), {"username": username, "password": password})


def fail(username, times, address="10.0.0.1"):
    return [sign_in(username, "wrong-password", address).status_code for _ in range(times)]


def test_a_real_sign_in_works_with_throttling_on(axes_on, manager):
    response = sign_in(manager.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_failures_for_one_account_lock_it_from_every_address(axes_on, manager):
    # Each failure from another address: only the account's count can reach the limit.
    statuses = [sign_in("manager", "wrong", f"10.0.1.{n}").status_code for n in range(LIMIT)]
    assert statuses == [200] * (LIMIT - 1) + [429]

    refused = sign_in(manager.username, PASSWORD, address="10.0.2.1")
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.client.session
    # Another account from a clean address is not affected.
    colleague = UserFactory(username="colleague")
    assert sign_in(colleague.username, PASSWORD, address="10.0.2.1").status_code == 302


def test_failures_from_one_address_lock_that_address_for_every_account(axes_on, manager):
    statuses = [sign_in(f"guess{n}", "wrong", "10.9.9.9").status_code for n in range(LIMIT)]
    assert statuses == [200] * (LIMIT - 1) + [429]

    assert sign_in(manager.username, PASSWORD, address="10.9.9.9").status_code == 429
    # The same account from the office next door still signs in.
    assert sign_in(manager.username, PASSWORD, address="10.0.0.7").status_code == 302


def test_the_lockout_page_says_what_happened_and_when_to_retry(axes_on, manager):
    fail("manager", LIMIT)
    response = sign_in("manager", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in locked" in page
    assert "Try again in 15 minutes" in page
    assert "wrong-password" not in page


def test_the_lockout_page_is_in_the_users_language(axes_on, manager):
    # The catalogues' own tests prove every string is translated; this one that the page asks.
    fail("manager", LIMIT)
    response = sign_in("manager", PASSWORD, language="ru")
    assert response.status_code == 429
    page = response.content.decode()
    assert 'lang="ru"' in page
    with translation.override("ru"):
        assert gettext("Sign-in locked") in page


def test_the_lock_lifts_by_itself_after_the_cool_off(axes_on, manager):
    fail("manager", LIMIT)
    assert sign_in("manager", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in("manager", PASSWORD).status_code == 302


def test_failures_during_a_lockout_do_not_extend_it(axes_on, manager):
    fail("manager", LIMIT)
    locked_at = AccessAttempt.objects.get(username="manager").attempt_time

    fail("manager", 3)

    assert AccessAttempt.objects.get(username="manager").attempt_time == locked_at


def test_a_successful_sign_in_clears_the_accounts_earlier_failures(axes_on, manager):
    fail("manager", LIMIT - 1)
    assert sign_in("manager", PASSWORD).status_code == 302
    # Two more typos later do not lock: the count started again.
    assert fail("manager", LIMIT - 1) == [200] * (LIMIT - 1)


def test_an_administrator_unlocks_an_account_at_once(axes_on, manager):
    fail("manager", LIMIT)
    assert sign_in("manager", PASSWORD).status_code == 429

    call_command("axes_reset_username", "manager")

    assert sign_in("manager", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(axes_on, admin):
    browser = BrowserClient(REMOTE_ADDR="10.0.3.1")
    url = reverse("admin:login")
    for _ in range(LIMIT):
        response = browser.post(url, {"username": "admin", "password": "wrong"})
    assert response.status_code == 429
    response = browser.post(url, {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429


def test_a_weak_password_is_refused_on_the_password_change_page(manager, login):
    browser = login(manager)
    response = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert any("too common" in error for error in errors)
    assert any("entirely numeric" in error for error in errors)
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)


def test_a_password_like_the_username_is_refused(manager, login):
    browser = login(manager)
    response = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "manager1", "new_password2": "manager1"},
    )
    assert response.status_code == 200
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)


def test_a_strong_password_is_accepted(manager, login):
    browser = login(manager)
    new = "violet-harbour-lantern-42"
    response = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password(new)


def test_sign_out_ends_the_session_on_the_server(manager, login):
    browser = login(manager)
    session_key = browser.session.session_key
    assert browser.get(reverse("core:home")).status_code == 200

    browser.post(reverse("logout"))

    assert not Session.objects.filter(session_key=session_key).exists()
    # Replaying the old cookie gets the login page, not the CRM.
    replay = BrowserClient()
    replay.cookies["sessionid"] = session_key
    response = replay.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_session_expires_after_session_cookie_age(manager, login, settings):
    browser = login(manager)
    session = Session.objects.get(session_key=browser.session.session_key)
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((session.expire_date - expected).total_seconds()) < 60

    session.expire_date = timezone.now() - timedelta(seconds=1)
    session.save()

    response = browser.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
