"""Every user-visible string is translated into Simplified Chinese.

The test extracts the strings afresh (``makemessages`` on a copy of the source tree), so a string added
without a translation, or a fuzzy entry, fails here.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
# Every app (a folder with an apps.py), the templates and the catalogs: a new app is covered at once.
SOURCE_DIRS = [*sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists()), "templates", "locale"]


def test_zh_hans_catalog_is_complete_and_current(tmp_path):
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "-v0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    catalog = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in catalog.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in catalog.fuzzy_entries() if not e.obsolete]
    assert not untranslated, f"{len(untranslated)} untranslated zh-hans strings, e.g. {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy zh-hans strings, e.g. {fuzzy[:20]}"
