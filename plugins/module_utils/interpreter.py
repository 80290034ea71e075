# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a helper program with *another* Python interpreter (an app's virtualenv) and read its answer.

The modules that talk to an app's own interpreter (alembic_migration, venv_check) ship the
source of a helper module to it: the request goes in as JSON on stdin, the answer comes back
as JSON in a file, so whatever the app prints cannot garble it. coreutils' timeout bounds
the run, because run_command has no limit of its own.
"""

import inspect
import json
import os
import tempfile

# Exit codes of coreutils' timeout: 124 after TERM, 137 after the KILL that follows.
TIMEOUT_CODES = (124, 137)


class HelperRun:
    """What a helper run left: its answer (None on timeout or when it wrote none) and its output."""

    def __init__(self, answer, rc, out, err, timed_out):
        self.answer, self.rc, self.out, self.err, self.timed_out = answer, rc, out, err, timed_out

    def last_line(self):
        return ((self.err or self.out or "").strip().splitlines()[-1:] or ["no output"])[0]


def run_helper(module, python, helper, request, cwd, environment, timeout, kill_after=10):
    """Run the source of module `helper` with `python`; `request` gets a result_path key."""
    with tempfile.TemporaryDirectory(prefix="fastops-helper-") as workdir:
        path = os.path.join(workdir, "helper.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(inspect.getsource(helper))
        result_path = os.path.join(workdir, "result.json")
        env = {str(key): str(value) for key, value in environment.items()}
        command = [
            module.get_bin_path("timeout", required=True),
            f"--kill-after={kill_after}",
            f"{timeout}s",
            python,
            path,
        ]
        rc, out, err = module.run_command(
            command, data=json.dumps(dict(request, result_path=result_path)), cwd=cwd, environ_update=env
        )
        if rc in TIMEOUT_CODES:
            return HelperRun(None, rc, out, err, True)
        if not os.path.exists(result_path):
            return HelperRun(None, rc, out, err, False)
        with open(result_path, encoding="utf-8") as handle:
            return HelperRun(json.load(handle), rc, out, err, False)
