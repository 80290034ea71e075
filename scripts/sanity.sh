#!/usr/bin/env bash
# ansible-test sanity needs the collection at .../ansible_collections/fastops/stack: copy
# the tracked files into such a tree in a temp dir and run it there (in venvs it manages).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR"
activate_venv
# ansible-test's shellcheck test skips itself without the program.
command -v shellcheck >/dev/null || apt_ensure shellcheck

# ansible-test bootstraps pip in each sanity venv with a script it downloads from a host
# outside the package registries; give it an equivalent that uses ensurepip + PyPI.
pip_version="$(python - <<'PY'
import re, ansible_test._internal.python_requirements as r, inspect
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(r.get_venv_packages)).group(1))
PY
)"
bootstrap="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -s "$bootstrap" ]; then
  mkdir -p "$(dirname "$bootstrap")"
  cp "$PROJECT_DIR/scripts/ansible_test_get_pip.py" "$bootstrap"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dest="$tmp/ansible_collections/fastops/stack"
mkdir -p "$dest"
if git rev-parse --git-dir >/dev/null 2>&1; then
  git ls-files -co --exclude-standard | grep -v '^collections/' | tar -c -T - | tar -C "$dest" -x
else
  tar -c --exclude=.venv --exclude=.cache --exclude=collections . | tar -C "$dest" -x
fi
rm -rf "$dest/collections"
cd "$dest"
# ansible-test wants a git repository to know which files belong to the collection.
git init -q . && git add -A >/dev/null
python_version="$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
exec ansible-test sanity --venv --python "$python_version" --color no "$@"
