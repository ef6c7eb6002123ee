"""Every user-facing string is in the catalogue, and every one has its English translation."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "webapp" / "translations"


def _ids(catalog) -> set[str]:
    return {m.id for m in catalog if m.id}


def test_template_is_up_to_date_with_the_source(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "N_", "-k", "_", "-k", "gettext", "-k",
                    "lazy_gettext", "-k", "translate", "--no-location", "-o", str(fresh),
                    "gis", "zones", "admissions", "webapp"], cwd=ROOT, check=True,
                   capture_output=True)
    with open(fresh, "rb") as f:
        source_ids = _ids(read_po(f))
    with open(CATALOGUE / "messages.pot", "rb") as f:
        committed = _ids(read_po(f))
    missing = sorted(source_ids - committed)
    assert not missing, f"run scripts/update-translations.sh; not in the catalogue: {missing}"


def test_every_message_has_an_english_translation_with_the_same_placeholders():
    with open(CATALOGUE / "en" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    with open(CATALOGUE / "messages.pot", "rb") as f:
        wanted = _ids(read_po(f))
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    untranslated = sorted(wanted - set(translated))
    assert not untranslated, f"missing English: {untranslated[:10]}"
    placeholder = re.compile(r"%\((\w+)\)s")
    for msgid, text in translated.items():
        assert set(placeholder.findall(msgid)) == set(placeholder.findall(text)), msgid
