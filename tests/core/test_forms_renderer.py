"""The Python-rendered <select> is the markup Django's templates write, escaped the same way."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from crm_project.core.forms_renderer import CrmFormRenderer

XSS = '"><script>alert(1)</script>'


class SampleForm(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "Alpha"), (1, 2), ("", "---------")], required=False)
    escaped = forms.ChoiceField(choices=[(XSS, XSS), ("&", "Tom & Jerry")])
    grouped = forms.ChoiceField(
        choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", gettext_lazy("Journal"))]
    )
    many = forms.MultipleChoiceField(choices=[(str(n), f"Option {n}") for n in range(30)])
    yes_no = forms.NullBooleanField()
    when = forms.ChoiceField(choices=[("d", datetime.date(2026, 12, 5)), ("n", 1234.5)])
    safe_label = forms.ChoiceField(choices=[("s", mark_safe("<b>bold</b>"))])


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plain": "a", "escaped": XSS, "grouped": "y", "many": ["3", "7"], "yes_no": "true"},
        {"plain": "1", "escaped": "&", "grouped": "z", "when": "n"},
    ],
)
def test_every_select_matches_djangos_own_templates(language, data):
    with translation.override(language):
        for name in SampleForm.base_fields:
            shown = {}
            for renderer in (DjangoTemplates(), CrmFormRenderer()):
                form = SampleForm(data, auto_id="id_%s", renderer=renderer)
                form.fields[name].widget.attrs.update(
                    {"class": "form-select", "data-x": XSS, "disabled": False, "autofocus": True}
                )
                shown[type(renderer)] = str(form[name])
            assert shown[CrmFormRenderer] == shown[DjangoTemplates], name


def test_payloads_never_come_back_as_markup():
    html = SampleForm({"escaped": XSS}).as_p()
    assert "<script>" not in html
    assert "&quot;&gt;&lt;script&gt;" in html
