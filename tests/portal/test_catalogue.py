"""The Chinese catalogue is complete and compiled: every user-facing string is translated
and the committed .mo matches the .po (zh-hans is the default language, SPEC §1)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_entry_is_translated():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, untranslated[:20]
    assert not fuzzy, fuzzy[:20]


def test_compiled_catalogue_matches_the_po():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    expected = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in po}
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in mo}
    assert compiled == expected


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) is not installed")
def test_no_user_facing_string_is_missing_from_the_catalogue(tmp_path):
    """makemessages over the source finds no msgid the committed catalogue lacks."""
    root = Path(settings.BASE_DIR)
    work = tmp_path / "src"
    shutil.copytree(
        root,
        work,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "var", "staticfiles", "*.sqlite3", "node_modules", "__pycache__"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--ignore=tests",
            "--ignore=.venv",
        ],
        cwd=work,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(work / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(PO))}
    assert fresh - committed == set()
