# Shared by scripts/test and scripts/demo: find the Pythons we support and keep a venv per version.
# Sourced, not run.

# The Pythons this machine's pyenv has, of those we support (py-ci's own CI, ci.yml, tests all of
# src/py_ci/pythons.py's SUPPORTED on GitHub; 3.14 and 3.15 are not installed here).
SUPPORTED_PYTHONS=(3.11 3.12 3.13)

log() { printf '\n==> %s\n' "$*" >&2; }

# The interpreter for version $1 (e.g. 3.12): a pyenv install, else pythonX.Y on PATH; nothing if absent.
find_python() {
  local version=$1 candidate
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in $(ls -d "$(pyenv root)/versions/$version".*/bin/python"$version" 2>/dev/null | sort -V -r); do
      "$candidate" -c 'pass' >/dev/null 2>&1 && { echo "$candidate"; return 0; }
    done
  fi
  candidate=$(command -v "python$version" 2>/dev/null) || return 1
  # pyenv shims exist for every version but refuse to run unselected ones.
  "$candidate" -c 'pass' >/dev/null 2>&1 && echo "$candidate"
}

# Make (or refresh) the venv at $2 with interpreter $1, holding py-ci and its pinned dev tools, installed by uv at
# its pin in pyproject.toml (9 s a venv here, pip took 39 s). The primary venv, .venv, is made first, with pip (the
# scripts that download with pip use it), and holds that uv; the other Pythons' venvs are uv's, without pip.
ensure_venv() {
  local python=$1 venv=$2 stamp want uv=.venv/bin/uv
  stamp="$venv/.py-ci-stamp"
  want="$("$python" --version 2>&1) $(cat pyproject.toml | cksum)"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  log "Setting up $venv ($("$python" --version 2>&1))"
  rm -rf "$venv"
  if [ "$venv" = .venv ] || [ ! -x "$uv" ]; then
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "$(grep -o '"uv==[^"]*"' pyproject.toml | tr -d '"')"
    uv="$venv/bin/uv"
  else
    "$uv" venv --quiet --python "$python" "$venv"
  fi
  "$uv" pip install --quiet --python "$venv/bin/python" --compile-bytecode -e . --group dev
  echo "$want" > "$stamp"
}

# Write the bytecode that the tests' child processes read and never write (tests/helpers.py and py-ci run set
# PYTHONDONTWRITEBYTECODE) for the venv at $1: py-ci's own modules compiled, and pytest's plugins with their
# asserts rewritten (hypothesis, pytest-cov, xdist) by one small run on two workers with coverage. Without it each
# of the hundreds of child pytests the tests start rewrote those plugins again, about 1 s apiece.
warm_bytecode() {
  local python scratch
  python="$(cd "$1" && pwd)/bin/python" scratch=$(mktemp -d)
  printf 'def test_nothing():\n    pass\n' > "$scratch/test_warm.py"
  (cd "$scratch" && env -u PYTHONDONTWRITEBYTECODE "$python" -m pytest -q -p no:cacheprovider -n 2 --cov \
    --cov-report= test_warm.py > /dev/null)
  rm -rf "$scratch"
  env -u PYTHONDONTWRITEBYTECODE "$python" -m compileall -q src
}

# The primary venv, .venv, on the oldest supported Python this machine has.
ensure_primary_venv() {
  local version python
  for version in "${SUPPORTED_PYTHONS[@]}"; do
    if python=$(find_python "$version"); then
      ensure_venv "$python" .venv
      return 0
    fi
  done
  echo "py-ci needs Python ${SUPPORTED_PYTHONS[0]} or newer; install one (e.g. pyenv install ${SUPPORTED_PYTHONS[0]})" >&2
  return 2
}

# PostgreSQL's server and Redis, which the integration tests and `py-ci run --services` start on 127.0.0.1.
ensure_service_binaries() {
  local missing=()
  command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "Installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "py-ci's tests and demo need ${missing[*]}: install them (e.g. sudo apt-get install ${missing[*]})" >&2
    return 2
  fi
}
