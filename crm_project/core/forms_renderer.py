"""Django's form renderer, with `<select>`, `<input>` and `<textarea>` written in Python.

Django renders each `<option>` through two template includes, about 65 µs each: a filter form
with a hundred managers and the status picklist cost 10 ms of CPU on every journal request. The
client card's three quick-log forms spent a fifth of the card's time rendering their inputs
through templates the same way. The output here is the same markup, character for character
(tests/core/test_forms_renderer.py compares both), and every value and label is escaped as the
templates would escape it. Any other widget (or a widget with its own template) still goes
through the templates.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
# Django's templates that are nothing but an include of django/forms/widgets/input.html.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "hidden", "number", "password",
        "search", "tel", "text", "time", "url",
    )
)  # fmt: skip


class CrmFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if widget:
            if template_name == SELECT_TEMPLATE and _plain_options(widget):
                return render_select(widget)
            if template_name in INPUT_TEMPLATES:
                return render_input(widget)
            if template_name == TEXTAREA_TEMPLATE:
                return render_textarea(widget)
        return super().render(template_name, context, request)


def _plain_options(widget: dict[str, Any]) -> bool:
    return all(
        option["template_name"] == OPTION_TEMPLATE
        for _group, options, _index in widget["optgroups"]
        for option in options
    )


def render_attrs(attrs: dict[str, Any]) -> str:
    """As django/forms/widgets/attrs.html: False drops an attribute, True writes its name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{conditional_escape(value)}"')
    return "".join(parts)


def _formatted(value: Any) -> str:
    """As `{{ value|stringformat:'s' }}` writes it: str(), escaped unless already safe."""
    text = f"{value}"
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _text(value: Any) -> str:
    """As `{{ value }}` writes it: local time, localized, escaped."""
    return conditional_escape(localize(template_localtime(value)))


def render_select(widget: dict[str, Any]) -> SafeString:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{render_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            # The option's template file ends with a newline, and so does each option.
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{render_attrs(option['attrs'])}>{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def render_input(widget: dict[str, Any]) -> SafeString:
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return mark_safe(  # noqa: S308 - every piece is escaped
        f'<input type="{kind}" name="{name}"{value}{render_attrs(widget["attrs"])}>'
    )


def render_textarea(widget: dict[str, Any]) -> SafeString:
    text = _text(widget["value"]) if widget["value"] else ""
    return mark_safe(  # noqa: S308 - every piece is escaped
        f'<textarea name="{conditional_escape(widget["name"])}"{render_attrs(widget["attrs"])}>'
        f"\n{text}</textarea>"
    )
