#!/usr/bin/env bash
# Re-extracts the French source strings (msgids) from passresot/ and templates/ into
# passresot/translations/messages.pot, merges them into the English catalogue
# passresot/translations/en/LC_MESSAGES/messages.po, then prints how many entries still need an
# English translation (new entries arrive empty; fuzzy matching is off so none is guessed).
#
#   scripts/update_translations.sh      # from anywhere in the repository
#
# Then fill the empty msgstr "" entries of messages.po, run it again until it prints 0, and
# commit messages.pot and messages.po. tests/test_i18n.py fails while any entry is missing.
# `make translations` compiles the .mo files (git-ignored); a running app must be restarted to
# pick up a new .mo, since Flask-Babel caches each loaded catalogue for the life of the process.
# Keywords: flask_babel's _/gettext/ngettext (Babel defaults) plus lazy_gettext, _l and
# lazy_ngettext; the file patterns are in babel.cfg. Keep both in step with tests/test_i18n.py.
set -euo pipefail

cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
PYTHON=${PYTHON:-.venv/bin/python}
POT=passresot/translations/messages.pot
PO=passresot/translations/en/LC_MESSAGES/messages.po

# Scanning "." lets babel.cfg name paths from the repository root; the ignored folders are never
# scanned (node_modules alone is larger than the app).
"$PYBABEL" --quiet extract -F babel.cfg \
    -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
    --ignore-dirs=".* _* node_modules static instance migrations" \
    --add-comments=TRANSLATORS: \
    --project=PassResOT66 --copyright-holder=RESOT66 \
    -o "$POT" .

"$PYBABEL" --quiet update -i "$POT" -d passresot/translations -l en \
    --no-fuzzy-matching --ignore-obsolete

"$PYTHON" - "$PO" <<'PY'
import sys

from babel.messages.pofile import read_po

with open(sys.argv[1], "rb") as handle:
    catalog = read_po(handle)
todo = [m for m in catalog if m.id and (not all(m.string) if m.pluralizable else not m.string)]
fuzzy = [m for m in catalog if m.id and m.fuzzy]
for message in todo:
    print("  untranslated:", (message.id[0] if message.pluralizable else message.id).replace("\n", "\\n"))
for message in fuzzy:
    print("  fuzzy:", message.id if isinstance(message.id, str) else message.id[0])
print(f"{len(todo)} untranslated, {len(fuzzy)} fuzzy, {sum(1 for m in catalog if m.id)} entries in {sys.argv[1]}")
PY
