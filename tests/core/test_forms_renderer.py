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
    text = forms.CharField(required=False, max_length=20)
    email = forms.EmailField(required=False)
    number = forms.DecimalField(required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    flag = forms.BooleanField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plain": "a", "escaped": XSS, "grouped": "y", "many": ["3", "7"], "yes_no": "true"},
        {"plain": "1", "escaped": "&", "grouped": "z", "when": "n"},
        {
            "text": XSS,
            "email": "a&b@example.com",
            "number": "1234.5",
            "hidden": XSS,
            "day": "2026-12-05",
            "moment": "2026-12-05T10:30",
            "flag": "on",
            "note": f"line 1\n{XSS}\n",
            "secret": XSS,
        },
        {"text": "", "number": "not a number", "day": "5 Dec", "note": "0", "flag": ""},
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


def test_unbound_fields_with_initial_values_match_too():
    initial = {
        "text": XSS,
        "note": mark_safe("<i>kept</i>"),
        "moment": datetime.datetime(2026, 1, 2, 3, 4),
        "number": 1234.5,
        "flag": True,
    }
    for name in initial:
        shown = {
            type(renderer): str(SampleForm(initial=initial, renderer=renderer)[name])
            for renderer in (DjangoTemplates(), CrmFormRenderer())
        }
        assert shown[CrmFormRenderer] == shown[DjangoTemplates], name


def test_payloads_never_come_back_as_markup():
    html = SampleForm({"escaped": XSS, "text": XSS, "note": XSS}).as_p()
    assert "<script>" not in html
    assert "&quot;&gt;&lt;script&gt;" in html
