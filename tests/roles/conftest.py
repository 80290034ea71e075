"""Run a role in check mode against localhost to prove bad input fails before any change.

Check mode plus a connection to localhost means nothing is changed even if validation
were missing; the tests assert that the play stops at validation with a message that
names the variable.

The parametrized cases of assert_rejected (a `role_vars` parameter) of one test module and role
run as one ansible-playbook: one local inventory host per case, each with its case's variables,
so that a host's failure is its case's alone. Cases that mention localhost (the inventory's
own name for this machine), the roles whose checks read other inventory hosts, and direct
run_role calls run alone, as before.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class RoleRun:
    def __init__(self, completed=None, rc=None, output=None):
        self.rc = completed.returncode if completed is not None else rc
        self.output = completed.stdout + completed.stderr if completed is not None else output

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


# Their checks read the other hosts of the inventory (monitoring's scrape targets, pgbackrest's
# repository host), which a batch's case hosts would change: their cases run alone.
UNBATCHED_ROLES = {"monitoring", "pgbackrest"}
# (test module, role) -> the role_vars of its batchable cases, as JSON; filled at collection.
BATCH_CASES = {}
# (test module, role) -> {case JSON: RoleRun}, once the batch has run.
BATCH_RUNS = {}


def _case_key(role_vars):
    return json.dumps(role_vars, sort_keys=True)


def _role_of(module_name):
    """test_<role>_inputs -> role."""
    name = module_name.rsplit(".", 1)[-1]
    return name[len("test_") : -len("_inputs")] if name.startswith("test_") and name.endswith("_inputs") else None


def pytest_collection_modifyitems(items):
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "role_vars" not in params or "assert_rejected" not in item.fixturenames:
            continue
        role = params.get("role") or _role_of(item.module.__name__)
        key = _case_key(params["role_vars"])
        if role and role not in UNBATCHED_ROLES and "localhost" not in key:
            cases = BATCH_CASES.setdefault((item.module.__name__, role), [])
            if key not in cases:
                cases.append(key)


def _strings(value):
    """Every string in a result, keys included."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [str(key), *_strings(item)]]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [str(value)]


def _play(role, tasks_from, hosts="localhost"):
    return {
        "name": "Input validation",
        "hosts": hosts,
        "gather_facts": True,
        "gather_subset": ["!all", "min"],
        "tasks": [{"ansible.builtin.include_role": {"name": "fastops.stack." + role, "tasks_from": tasks_from}}],
    }


def _run_batch(tmp_path, role, cases):
    """One ansible-playbook for all cases; each case's RoleRun from its own host's results."""
    hosts = {f"case{index}": json.loads(key) for index, key in enumerate(cases)}
    inventory = tmp_path / "batch-inventory.json"
    inventory.write_text(
        json.dumps(
            {
                "all": {
                    "hosts": hosts,
                    "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
                }
            }
        )
    )
    playbook = tmp_path / "batch-play.yml"
    playbook.write_text(json.dumps([_play(role, "main", hosts="all")]))
    completed = check_run(
        "-i", str(inventory), str(playbook), ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_FORKS="8"
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"the batch run of {role} printed no JSON report:\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}"
        )
    runs = {}
    for host, key in zip(hosts, cases):
        lines, rc = [], 0
        for task in (task for play in report["plays"] for task in play["tasks"]):
            result = task["hosts"].get(host)
            if result is None:
                continue
            lines.append(f"TASK [{role} : {task['task']['name']}]")
            if result.get("failed"):
                lines += [f"fatal: [{host}]: FAILED!", *_strings(result)]
                rc = 2
                break
        runs[key] = RoleRun(rc=rc, output="\n".join(lines) + "\n" + completed.stderr)
    return runs


@pytest.fixture
def run_role(tmp_path, request):
    def run(role, role_vars, tasks_from="main"):
        batch = (request.module.__name__, role)
        key = _case_key(role_vars)
        if tasks_from == "main" and key in BATCH_CASES.get(batch, []):
            if batch not in BATCH_RUNS:
                BATCH_RUNS[batch] = _run_batch(tmp_path, role, BATCH_CASES[batch])
            return BATCH_RUNS[batch][key]
        playbook = tmp_path / "play.yml"
        playbook.write_text(json.dumps([_play(role, tasks_from)]))
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
