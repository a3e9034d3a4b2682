# Sourced by the other scripts: make sure .venv exists and holds this project and its dependencies.
# Re-installs only when pyproject.toml or the lock file changed (a stamp keyed by their hash).
ensure_venv() {
  local extras="${1:-test}"
  local py="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    echo ">> creating .venv with $($py --version)"
    "$py" -m venv .venv
  fi
  # setup.py and the C source too: a changed extension must be rebuilt.
  local key files=(pyproject.toml setup.py reportlab_analysis/_segment.c)
  [ -f requirements-lock.txt ] && files+=(requirements-lock.txt)
  key=$(cat "${files[@]}" | sha256sum | cut -c1-16)
  local stamp=".venv/.installed-${extras//,/_}-$key"
  if [ ! -f "$stamp" ]; then
    echo ">> installing reportlab_analysis[$extras] into .venv"
    .venv/bin/python -m pip install --quiet --upgrade pip
    if [ -f requirements-lock.txt ]; then
      .venv/bin/python -m pip install --quiet -c requirements-lock.txt -e ".[$extras]"
    else
      .venv/bin/python -m pip install --quiet -e ".[$extras]"
    fi
    touch "$stamp"
  fi
}
