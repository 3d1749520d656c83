"""The Russian catalogue is complete, compiled, and in step with the code's strings."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
ROOT = Path(settings.BASE_DIR)
SOURCES = ["crm_project", "clients", "interactions", "reports", "templates", "manage.py"]


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    po = catalogue(language)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {language}: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language):
    po = catalogue(language)
    mo = polib.mofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in mo}
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in po.translated_entries()
    }
    assert compiled == source, "run `make messages` to recompile the catalogue"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_code_is_in_the_catalogue(language, tmp_path):
    for name in SOURCES:
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    (tmp_path / "locale").mkdir()
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "makemessages", "-l", language, "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin", "CRM_VAR_DIR": str(tmp_path / "var")},
    )
    extracted = polib.pofile(str(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"))
    known = {(entry.msgctxt, entry.msgid) for entry in catalogue(language)}
    missing = sorted(
        entry.msgid for entry in extracted if (entry.msgctxt, entry.msgid) not in known
    )
    assert not missing, f"run `make messages` and translate: {missing[:20]}"
