"""Run a role in check mode against localhost to prove bad input fails before any change.

Check mode plus a connection to localhost means nothing is changed even if validation
were missing; the tests assert that the play stops at validation with a message that
names the variable.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class RoleRun:
    def __init__(self, completed):
        self.rc = completed.returncode
        self.output = completed.stdout + completed.stderr

    @property
    def failed_task(self):
        """Name of the last task header before the failure."""
        name = None
        for line in self.output.splitlines():
            if line.startswith("TASK ["):
                name = line[len("TASK [") : line.rindex("]")]
            if line.startswith(("fatal:", "failed:")):
                return name
        return None

    @property
    def failed_at_validation(self):
        """The play stopped at the argument spec or at the role's cross-field assert."""
        task = self.failed_task or ""
        return self.rc != 0 and ("Validating arguments against arg spec" in task or "Check cross-field rules" in task)


def check_run(*args, **env):
    """ansible-playbook --check with the checkout's ansible.cfg; extra environment from env."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "--check", *args],
        cwd=ROOT,
        env=dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1", **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def run_role(tmp_path):
    def run(role, role_vars, tasks_from="main"):
        playbook = tmp_path / "play.yml"
        playbook.write_text(
            json.dumps(
                [
                    {
                        "name": "Input validation",
                        "hosts": "localhost",
                        "gather_facts": True,
                        "gather_subset": ["!all", "min"],
                        "tasks": [
                            {
                                "ansible.builtin.include_role": {
                                    "name": "fastops.stack." + role,
                                    "tasks_from": tasks_from,
                                }
                            }
                        ],
                    }
                ]
            )
        )
        extra = tmp_path / "vars.json"
        extra.write_text(json.dumps(dict(role_vars, ansible_python_interpreter=sys.executable)))
        return RoleRun(check_run("-i", "localhost,", "-c", "local", "-e", f"@{extra}", str(playbook)))

    return run


@pytest.fixture
def assert_rejected(run_role):
    """Run the role with role_vars; it must stop at validation with `message` in the output."""

    def check(role, role_vars, message, tasks_from="main"):
        result = run_role(role, role_vars, tasks_from)
        assert result.failed_at_validation, result.output
        assert message in result.output

    return check
