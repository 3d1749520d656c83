"""Select options kept between requests (crm_project.core.choices): fast, and never stale."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clients.filters import ClientFilter
from clients.models import Client, LeadSource
from crm_project.accounts.models import User
from crm_project.core import choices
from crm_project.core.choices import cache_choices
from interactions.filters import InteractionFilter
from interactions.models import Interaction, InteractionStatus, Kind
from tests.factories import LeadSourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def manager_options(page) -> str:
    html = page.content.decode()
    start = html.index('<select name="manager"')
    return html[start : html.index("</select>", start)]


def client_filter_html(data=None, *, cached=True):
    form = ClientFilter(data or {}, queryset=Client.objects.all()).form
    if cached:
        cache_choices(form, "lead_source", "responsible_manager")
    return str(form["lead_source"]) + str(form["responsible_manager"])


def test_the_options_are_the_markup_django_writes(team):
    UserFactory.create_batch(3, team=team)
    LeadSourceFactory(name='Fair "<2026>" & friends')
    for data in ({}, {"lead_source": LeadSource.objects.first().pk}):
        expected = client_filter_html(data, cached=False)
        assert client_filter_html(data) == expected  # built and kept
        assert client_filter_html(data) == expected  # served from the process


def test_a_second_request_reads_no_options_from_the_database(manager, login):
    UserFactory.create_batch(5, team=manager.team)
    browser = login(manager)
    browser.get("/journal/")
    with CaptureQueriesContext(connection) as second:
        page = browser.get("/journal/")
    assert page.status_code == 200
    read = " ".join(query["sql"] for query in second.captured_queries)
    assert 'FROM "interactions_interactionstatus"' not in read
    assert 'FROM "accounts_user" WHERE "accounts_user"."is_active"' not in read


def test_a_new_colleague_is_offered_at_once(manager, login):
    browser = login(manager)
    assert "Newcomer" not in manager_options(browser.get("/journal/"))
    UserFactory(team=manager.team, first_name="Anna", last_name="Newcomer")
    assert "Anna Newcomer" in manager_options(browser.get("/journal/"))


def test_a_renamed_or_removed_lead_source_changes_the_filter(manager, login):
    source = LeadSourceFactory(name="Old fair")
    browser = login(manager)
    assert "Old fair" in browser.get("/clients/").content.decode()
    source.name = "Spring fair"
    source.save()
    page = browser.get("/clients/").content.decode()
    assert "Spring fair" in page and "Old fair" not in page
    source.delete()
    assert "Spring fair" not in browser.get("/clients/").content.decode()


def test_a_change_committed_by_another_process_is_seen(manager, login):
    """Another web process saved it: only the shared version tells this one."""
    browser = login(manager)
    browser.get("/journal/")
    User.objects.filter(pk=manager.pk).update(first_name="Renamed")  # no signal here
    assert "Renamed" not in manager_options(browser.get("/journal/"))
    choices.bump_model_version(User)  # what the other process's save did
    assert "Renamed" in manager_options(browser.get("/journal/"))


def test_bulk_updates_without_signals_are_seen_after_the_ttl(manager, login, monkeypatch):
    browser = login(manager)
    browser.get("/journal/")
    User.objects.filter(pk=manager.pk).update(first_name="Bulk")
    monkeypatch.setattr(choices, "CHOICES_TTL", 0.0)
    assert "Bulk" in manager_options(browser.get("/journal/"))


def test_each_language_gets_its_own_labels(statuses):
    status = InteractionStatus.objects.filter(kind=Kind.INCOMING_CALL).first()
    status.name_translations = {"ru": "Завершён"}
    status.save()
    shown = {}
    for language in ("en", "ru", "en"):
        with translation.override(language):
            form = InteractionFilter({}, queryset=Interaction.objects.all()).form
            cache_choices(form, "status")
            shown.setdefault(language, set()).add(str(form["status"]))
    assert len(shown["en"]) == 1
    assert "Завершён" in shown["ru"].pop()
    assert "Завершён" not in shown["en"].pop()


def test_a_cache_outage_neither_fails_a_save_nor_serves_old_options(manager, login, monkeypatch):
    browser = login(manager)
    browser.get("/journal/")

    def down(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(choices.cache, "get", down)
    monkeypatch.setattr(choices.cache, "set", down)
    colleague = UserFactory(team=manager.team, first_name="Saved", last_name="Anyway")
    assert User.objects.filter(pk=colleague.pk).exists()
    assert "Saved Anyway" in manager_options(browser.get("/journal/"))


def test_signing_in_does_not_throw_the_options_away(manager, login):
    version = choices.model_version(User)
    browser = login(manager)  # saves last_login
    browser.get("/journal/")
    login(manager)
    assert choices.model_version(User) == version
