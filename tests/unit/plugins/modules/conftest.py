"""Run a module's main() in-process with given arguments and return its JSON result."""

import json
import os
import sys

import pytest
from ansible.module_utils.testing import patch_module_args


class ModuleExit(Exception):
    pass


@pytest.fixture
def run_module(capsys):
    def run(main, args, check_mode=False, diff=False):
        if check_mode:
            args = dict(args, _ansible_check_mode=True)
        if diff:
            args = dict(args, _ansible_diff=True)
        with patch_module_args(args), pytest.raises(SystemExit) as exited:
            main()
        out = capsys.readouterr().out
        result = json.loads(out[out.index("{") :])
        result["rc"] = exited.value.code
        return result

    return run


FAKE_SYSTEMCTL = """#!{python}
# Answers `systemctl show -p ... UNIT...` from UNIT.state files (key=value lines).
import os, sys
units = sys.argv[sys.argv.index("--") + 1:]
for unit in units:
    with open(os.path.join(os.environ["FAKE_SYSTEMD"], unit + ".state")) as state:
        print("Id=" + unit)
        print(state.read().strip())
        print()
"""
FAKE_JOURNALCTL = """#!{python}
# Answers `journalctl ... -u UNIT` with the last N lines of UNIT.journal.
import os, sys
unit = sys.argv[sys.argv.index("-u") + 1]
lines = int(sys.argv[sys.argv.index("-n") + 1])
path = os.path.join(os.environ["FAKE_SYSTEMD"], unit + ".journal")
if os.path.exists(path):
    print("".join(open(path).readlines()[-lines:]), end="")
"""


@pytest.fixture
def fake_systemd(tmp_path, monkeypatch):
    """systemctl and journalctl on PATH that read unit states from files; returns a setter."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("systemctl", FAKE_SYSTEMCTL), ("journalctl", FAKE_JOURNALCTL)):
        script = bin_dir / name
        script.write_text(text.format(python=sys.executable))
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_SYSTEMD", str(tmp_path))

    def set_unit(unit, journal=(), **state):
        full = {
            "LoadState": "loaded",
            "ActiveState": "active",
            "SubState": "running",
            "Result": "success",
            "NRestarts": "0",
            "ExecMainCode": "0",
            "ExecMainStatus": "0",
        }
        full.update(state)
        (tmp_path / f"{unit}.state").write_text("\n".join(f"{k}={v}" for k, v in full.items()) + "\n")
        (tmp_path / f"{unit}.journal").write_text("".join(line + "\n" for line in journal))

    return set_unit
