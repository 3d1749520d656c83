"""No user-facing words in a template outside the translation tags.

A heuristic, kept simple on purpose: drop comments, scripts, styles, translation blocks and
every template tag and variable, then HTML tags except the attributes a user reads (title,
placeholder, aria-label, alt). Any word of three letters or more left over is text a translator
never sees.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Brand and product names, the same in every language.
ALLOWED_WORDS = {"CRM", "htmx", "API", "CSV", "SVG", "Bootstrap", "Django", "Zadarma", "Twilio"}
USER_FACING_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

_COMMENTS = re.compile(
    r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|<!--.*?-->", re.DOTALL
)
_TRANSLATION_BLOCKS = re.compile(
    r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.DOTALL
)
_TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
# Keyboard keys (<kbd>Alt+Shift+I</kbd>) read as printed on the keys.
_SCRIPTS_AND_STYLES = re.compile(r"<(script|style|kbd)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTE = re.compile(
    r"\b(" + "|".join(USER_FACING_ATTRIBUTES) + r")\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE
)
_ENTITY = re.compile(r"&#?\w+;")
_WORD = re.compile(r"[^\W\d_]{3,}")


def untranslated_words(source: str) -> list[str]:
    text = _COMMENTS.sub(" ", source)
    text = _TRANSLATION_BLOCKS.sub(" ", text)
    text = _TEMPLATE_SYNTAX.sub(" ", text)
    text = _SCRIPTS_AND_STYLES.sub(" ", text)
    readable = [
        value[1:-1] for tag in _TAG.findall(text) for _name, value in _ATTRIBUTE.findall(tag)
    ]
    readable.append(_TAG.sub(" ", text))
    words = _WORD.findall(_ENTITY.sub(" ", " ".join(readable)))
    return [word for word in words if word not in ALLOWED_WORDS]


def html_templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize(
    "path", html_templates(), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_template_has_no_text_outside_the_translation_tags(path):
    words = untranslated_words(path.read_text(encoding="utf-8"))

    assert not words, f"{path.relative_to(TEMPLATES)}: translate {words[:10]}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('<h1>{% translate "Clients" %}</h1>', []),
        ("<h1>Clients</h1>", ["Clients"]),
        ('<input placeholder="Search" name="query" class="form-control">', ["Search"]),
        (
            '<button title="{% translate \'Close\' %}" aria-label="Close">&times;</button>',
            ["Close"],
        ),
        (
            "{% blocktranslate count n=total %}{{ n }} client{% plural %}{{ n }} clients"
            "{% endblocktranslate %}",
            [],
        ),
        ("{# a note for developers #}<!-- and another --><p>{{ client.name }} · CRM</p>", []),
        ("<script>const words = 'not shown';</script><p>{% if a > b %}{% endif %}</p>", []),
        ("<a accesskey=i>{% translate 'Inbox' %} <kbd>Alt+Shift+I</kbd></a>", []),
    ],
)
def test_the_heuristic_flags_only_untranslated_text(source, expected):
    assert untranslated_words(source) == expected
