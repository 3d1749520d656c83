"""The strict Content-Security-Policy, its few relaxed paths, and the CRM's own error pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)


def directives(header: str) -> dict[str, set[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: set(sources) for name, *sources in parts}


@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/accounts/token/", "/no-such-page/", "/unsubscribe/x/"]
)
def test_the_crms_own_pages_get_the_strict_policy(url, manager, login):
    response = login(manager).get(url)
    assert directives(response["Content-Security-Policy"]) == directives(STRICT)
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("url", "script", "style"),
    [
        ("/admin/login/", {"'self'"}, {"'self'", "'unsafe-inline'"}),
        ("/operator/login/", {"'self'"}, {"'self'", "'unsafe-inline'"}),
        ("/api/docs/", {"'self'", "'unsafe-inline'"}, {"'self'", "'unsafe-inline'"}),
    ],
)
def test_only_the_admin_and_the_api_docs_are_relaxed(url, script, style):
    policy = directives(BrowserClient().get(url)["Content-Security-Policy"])
    assert policy["script-src"] == script
    assert policy["style-src"] == style
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["object-src"] == {"'none'"}


def test_no_template_has_an_inline_script_style_or_event_handler():
    inline_script = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    style = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
    offenders = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for name, pattern in (("script", inline_script), ("handler", handler), ("style", style)):
            offenders += [f"{path.name}: {name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not offenders


def test_not_found_is_the_crms_own_page(manager, login):
    response = login(manager).get("/clients/999999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "Traceback" not in page and "Django" not in page


def test_forbidden_is_the_crms_own_page(manager, login):
    response = login(manager).get(reverse("reports:board"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_error_pages_are_translated(manager, login):
    browser = login(manager)
    browser.post(reverse("language"), {"language": "ru", "next": "/"})
    response = browser.get("/no-such-page/")
    assert response.status_code == 404
    with translation.override("ru"):
        assert gettext("Page not found") in response.content.decode()
    assert 'lang="ru"' in response.content.decode()


def test_a_server_error_shows_no_detail(supervisor, login, monkeypatch):
    from crm_project.core.views import HomeView

    def explode(self, **kwargs):
        raise RuntimeError("secret-detail-from-the-database")

    monkeypatch.setattr(HomeView, "get_context_data", explode)
    browser = login(supervisor)
    browser.raise_request_exception = False

    response = browser.get(reverse("core:home"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Server error" in page
    assert "secret-detail" not in page and "Traceback" not in page
    assert directives(response["Content-Security-Policy"]) == directives(STRICT)


def test_the_server_error_page_renders_without_a_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Server error" in response.content
