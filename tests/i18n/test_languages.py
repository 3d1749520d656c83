"""The five languages: offered by the switch under their own names, remembered, and the
browser's language for a user who never chose one."""

import pytest
from django.conf import settings
from django.urls import reverse

from crm_project.accounts.models import User

NATIVE_NAMES = {
    "en": "English",
    "ru": "Русский",
    "fr": "Français",
    "az": "Azərbaycanca",
    "hi": "हिन्दी",
}


def test_all_five_languages_are_ready_under_their_own_names():
    assert dict(settings.ALL_LANGUAGES) == NATIVE_NAMES
    assert set(dict(settings.LANGUAGES)) <= set(NATIVE_NAMES)
    assert {"en", "ru"} <= set(dict(settings.LANGUAGES))


def test_a_users_language_choices_follow_the_settings():
    field = User._meta.get_field("language")

    assert [code for code, _name in field.choices] == [code for code, _name in settings.LANGUAGES]


def test_the_switch_offers_every_language(manager, login):
    html = login(manager).get(reverse("core:home")).content.decode()

    for code, name in settings.LANGUAGES:
        assert f'name="language" value="{code}" lang="{code}"' in html
        assert f'title="{name}"' in html


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_each_language_is_remembered_for_the_user(manager, login, code):
    browser = login(manager)

    browser.post(reverse("language"), {"language": code, "next": "/"})

    manager.refresh_from_db()
    assert manager.language == code
    html = browser.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<html lang="{code}">' in html


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("fr-FR,fr;q=0.9,en;q=0.5", "fr"), ("hi-IN,hi;q=0.9", "hi"), ("az", "az"), ("de", "en")],
)
def test_a_new_user_gets_the_browsers_language(manager, login, accept_language, expected):
    if expected not in dict(settings.LANGUAGES):
        pytest.skip(f"{expected} is not offered yet (settings.LANGUAGES)")
    assert manager.language == ""

    html = login(manager).get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE=accept_language)

    assert f'<html lang="{expected}">' in html.content.decode()
