import re

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from crm_project.core.models import AuditEntry
from tests.factories import PASSWORD


def test_login_page_renders_with_local_assets_only(anonymous, login):
    response = login(anonymous).get(reverse("login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html and 'name="password"' in html
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    # Every asset the page loads is the app's own: no absolute URL, no CDN host. (Not "cdn"
    # anywhere in the page: the random CSRF token holds those letters now and then.)
    assets = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert assets
    assert all(url.startswith(("/", "#")) for url in assets), assets


def test_pages_have_no_inline_scripts(manager, login):
    html = login(manager).get(reverse("core:home")).content.decode()

    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts, "the layout loads its scripts"
    assert all("src=" in tag for tag in scripts)
    assert "onclick" not in html.lower()


def test_login_signs_in_and_lands_on_home(manager, anonymous, login):
    browser = login(anonymous)

    response = browser.post(reverse("login"), {"username": manager.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert browser.get(reverse("core:home")).status_code == 200


def test_wrong_password_is_refused_on_the_page(manager, anonymous, login):
    response = login(anonymous).post(
        reverse("login"), {"username": manager.username, "password": "wrong"}
    )

    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


def test_anonymous_is_sent_to_login(anonymous, login):
    response = login(anonymous).get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post_and_says_so(manager, login):
    browser = login(manager)

    assert browser.get(reverse("logout")).status_code == 405
    response = browser.post(reverse("logout"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "You have signed out." in response.content.decode()
    assert browser.get(reverse("core:home")).status_code == 302


@pytest.mark.parametrize(
    ("persona", "clients", "journal", "admin_site"),
    [
        ("manager", True, True, False),
        ("supervisor", True, True, False),
        ("operator", True, False, False),
        ("admin", True, True, True),
    ],
)
def test_navigation_per_role(persona, clients, journal, admin_site, login, request):
    user = request.getfixturevalue(persona)

    html = login(user).get(reverse("core:home")).content.decode()

    assert ('data-nav="clients"' in html) is clients
    assert ('data-nav="journal"' in html) is journal
    assert ('data-nav="admin"' in html) is admin_site


def test_home_shows_a_manager_his_clients_count(manager, own_client, login):
    html = login(manager).get(reverse("core:home")).content.decode()

    assert 'data-home="my-clients-count">1<' in html


def test_home_shows_a_supervisor_his_team(supervisor, manager, other_manager, login):
    html = login(supervisor).get(reverse("core:home")).content.decode()

    assert str(manager) in html and str(other_manager) in html


def test_home_points_an_operator_to_client_entry(operator, login):
    html = login(operator).get(reverse("core:home")).content.decode()

    assert 'data-home="create-client"' in html
    assert 'data-home="my-clients-count"' not in html


def test_language_switch_saves_the_choice_and_the_next_page_is_russian(manager, login):
    browser = login(manager)

    response = browser.post(reverse("language"), {"language": "ru", "next": "/clients/"})

    assert response.status_code == 302
    assert response["Location"] == "/clients/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    manager.refresh_from_db()
    assert manager.language == "ru"
    assert AuditEntry.objects.filter(
        action="accounts.user.language_changed", object_id=str(manager.pk)
    ).exists()
    assert '<html lang="ru">' in browser.get(reverse("core:home")).content.decode()


def test_saved_language_wins_over_the_browser(manager, login):
    manager.language = "ru"
    manager.save()

    response = login(manager).get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="ru">' in response.content.decode()


def test_anonymous_language_switch_sets_only_the_cookie(anonymous, login):
    browser = login(anonymous)

    response = browser.post(reverse("language"), {"language": "ru", "next": "/accounts/login/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert '<html lang="ru">' in browser.get(reverse("login")).content.decode()


def test_language_switch_refuses_unknown_languages_and_get(manager, login):
    browser = login(manager)

    assert browser.post(reverse("language"), {"language": "xx"}).status_code == 400
    assert browser.get(reverse("language")).status_code == 405
    manager.refresh_from_db()
    assert manager.language == ""


def test_password_change_in_the_crm_layout(manager, login):
    browser = login(manager)

    page = browser.get(reverse("password_change"))
    response = browser.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )

    assert 'data-nav="clients"' in page.content.decode()
    assert response["Location"] == reverse("password_change_done")
    manager.refresh_from_db()
    assert manager.check_password("a-new-long-passphrase-42")


def test_password_reset_by_email_is_not_offered():
    with pytest.raises(NoReverseMatch):
        reverse("password_reset")
