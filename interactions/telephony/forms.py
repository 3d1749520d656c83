"""The admins' upload of an Asterisk Master.csv file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from interactions.telephony import asterisk
from interactions.telephony.events import setting

DEFAULT_MAX_UPLOAD_MEGABYTES = 20


def max_upload_bytes() -> int:
    return int(setting("TELEPHONY_CDR_UPLOAD_MAX_MB", DEFAULT_MAX_UPLOAD_MEGABYTES)) * 1024 * 1024


class CdrUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Master.csv file"),
        help_text=_("The cdr_csv file of Asterisk, e.g. /var/log/asterisk/cdr-csv/Master.csv."),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        choices=[
            ("utf-8-sig", _("UTF-8 (usual)")),
            ("cp1251", _("Cyrillic (Windows-1251)")),
            ("cp1252", _("Western European (Windows-1252)")),
        ],
        initial="utf-8-sig",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest accepted is %(limit)s."),
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload, encoding = cleaned.get("file"), cleaned.get("encoding")
        if upload is not None and encoding:
            try:
                cleaned["text"] = asterisk.decode(upload.read(), encoding)
            except asterisk.CdrFileError as error:
                self.add_error("file", str(error))
        return cleaned

    def lines(self) -> list[str]:
        return self.cleaned_data["text"].splitlines(keepends=True)
