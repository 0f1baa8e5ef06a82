# Sourced by scripts/demo, scripts/test and scripts/bench: everything a fresh machine needs.
# Idempotent and quiet when there is nothing to do.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO_ROOT"
export PYWIKIBOT_DIR="$REPO_ROOT" PYWIKIBOT_NO_USER_CONFIG=0

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {  # apt_install PACKAGE... (only those missing)
	local missing=()
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "setup: installing ${missing[*]} (Debian packages)"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_env() {
	local py=${PYTHON:-python3}
	if ! "$py" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
		echo "setup: Python 3.11 or newer is needed (found: $("$py" --version 2>&1))" >&2
		exit 1
	fi
	"$py" -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
	local stamp=.venv/.installed hash
	hash=$(sha1sum pyproject.toml | cut -c1-40)
	if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
		echo "setup: creating the Python environment in .venv"
		"$py" -m venv .venv
		.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
		# PYTHONWARNINGS: setuptools' notes on editable installs need no action here
		PYTHONWARNINGS=ignore .venv/bin/python -m pip install -q -e ".[dev]" 2>&1 |
			grep -v "^WARNING: Location" || true
		.venv/bin/python -c 'import pywikibot, mwparserfromhell, apscheduler, babel, pycountry, requests_sse, pytest, xdist, selenium, hypothesis, mypy' 2>/dev/null \
			|| { echo "setup: installing Python packages failed" >&2; exit 1; }
		echo "$hash" > "$stamp"
	fi
	export PATH="$REPO_ROOT/.venv/bin:$PATH"
}

browser() {  # Debian's Chromium and its driver, for the end-to-end browser test
	apt_install chromium chromium-driver
}
