"""Picklists (statuses, deal stages, lead sources) carry a name per language."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from clients.models import DealStage
from interactions.models import Interaction, InteractionStatus
from tests.deals.factories import DealFactory, stage
from tests.factories import ClientFactory, InteractionFactory, LeadSourceFactory, status

pytestmark = pytest.mark.django_db


def test_the_name_falls_back_to_the_default_language():
    source = LeadSourceFactory(name="Exhibition", name_translations={"ru": "Выставка"})

    with translation.override("ru"):
        assert source.localized_name == "Выставка"
        assert str(source) == "Выставка"
    with translation.override("fr"):
        assert source.localized_name == "Exhibition"
    with translation.override("en"):
        assert str(source) == "Exhibition"


def test_the_seeded_statuses_and_stages_are_named_in_every_language():
    for language in ["ru", "fr", "az", "hi"]:
        for model in [InteractionStatus, DealStage]:
            unnamed = [
                row.code for row in model.objects.all() if not row.name_translations.get(language)
            ]
            assert not unnamed, f"{model.__name__} without a {language} name: {unnamed}"
    with translation.override("ru"):
        assert str(stage("won")) == "Выиграна"
        assert str(status(Interaction.Kind.MEETING, "held")) == "Состоялась"


def test_the_data_migration_is_reversible_and_keeps_an_admins_names():
    migration = importlib.import_module(
        "interactions.migrations.0005_seed_status_name_translations"
    )
    held = status(Interaction.Kind.MEETING, "held")
    held.name_translations = {**held.name_translations, "fr": "Réalisée", "de": "Stattgefunden"}
    held.save()

    migration.remove_names(apps, None)
    held.refresh_from_db()
    assert held.name_translations == {"fr": "Réalisée", "de": "Stattgefunden"}

    migration.add_names(apps, None)
    held.refresh_from_db()
    assert held.name_translations["fr"] == "Réalisée"
    assert held.name_translations["ru"] == "Состоялась"


def test_pages_and_the_api_show_the_users_language(manager, login):
    manager.language = "ru"
    manager.save()
    client = ClientFactory(responsible_manager=manager)
    InteractionFactory(
        client=client,
        manager=manager,
        kind=Interaction.Kind.MEETING,
        status=status(Interaction.Kind.MEETING, "held"),
    )
    deal = DealFactory(client=client, stage=stage("contract_sent"))
    browser = login(manager)

    card = browser.get(client.get_absolute_url()).content.decode()
    assert "Состоялась" in card
    assert (
        "Договор отправлен"
        in browser.get(reverse("clients:deal_detail", args=[deal.pk])).content.decode()
    )
    journal = browser.get(reverse("interactions:list")).content.decode()
    assert "Состоялась" in journal
    api = browser.get(f"/api/v1/interactions/?client={client.pk}", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert "Состоялась" in str(api)


def test_admins_edit_the_name_in_each_language(admin, login):
    source = LeadSourceFactory(name="Exhibition")
    browser = login(admin)
    url = reverse("admin:clients_leadsource_change", args=[source.pk])

    form = browser.get(url).content.decode()
    assert 'name="name_ru"' in form
    response = browser.post(
        url,
        {
            "name": "Exhibition",
            "position": 0,
            "is_active": "on",
            "name_ru": "Выставка",
            "name_fr": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    source.refresh_from_db()
    assert source.name_translations == {"ru": "Выставка"}


def test_admins_edit_a_status_name(admin, login):
    held = status(Interaction.Kind.MEETING, "held")
    browser = login(admin)
    url = reverse("admin:interactions_interactionstatus_change", args=[held.pk])
    data = {
        "kind": held.kind,
        "code": held.code,
        "name": held.name,
        "position": held.position,
        "is_final": "on",
        "requires_result": "on",
        "is_active": "on",
        "name_ru": "Проведена",
    }

    response = browser.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    held.refresh_from_db()
    assert held.name_translations["ru"] == "Проведена"


def test_the_picklist_endpoints_name_each_entry_in_the_users_language(manager, login):
    manager.language = "fr"
    manager.save()
    browser = login(manager)

    stages = browser.get("/api/v1/deal-stages/").json()
    statuses = browser.get("/api/v1/interaction-statuses/").json()

    won = next(row for row in stages if row["code"] == "won")
    assert (won["name"], won["localized_name"]) == ("Won", "Gagnée")
    assert any(row["localized_name"] == "Tenue" for row in statuses)
