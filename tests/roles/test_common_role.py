"""fastops.stack.common refuses a play that lists it, and never a role that depends on it.

The second case is the one CI found: an include_role of one of common's entry points adds
common to the play's role names, and a later role's dependency on common then refused.
"""

import json
import sys

import yaml
from conftest import ROOT, RoleRun, check_run

DEPENDENTS = ["journal", "letsencrypt", "pgbackrest", "python_app", "redis"]


def play(tmp_path, tasks, roles_path=None):
    playbook = tmp_path / "play.yml"
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    env = {"ANSIBLE_ROLES_PATH": str(roles_path)} if roles_path else {}
    interpreter = f"ansible_python_interpreter={sys.executable}"
    return RoleRun(check_run("-i", "localhost,", "-c", "local", "-e", interpreter, str(playbook), **env))


def test_a_play_listing_common_is_refused(tmp_path):
    result = play(tmp_path, [{"ansible.builtin.include_role": {"name": "fastops.stack.common"}}])
    assert result.rc != 0
    assert result.failed_task == "fastops.stack.common : Refuse to run on its own"
    assert "use fastops.stack.<role> instead" in result.output


def test_a_dependency_after_an_included_entry_point_runs(tmp_path):
    dependent = tmp_path / "roles" / "dependent"
    (dependent / "meta").mkdir(parents=True)
    (dependent / "tasks").mkdir()
    # The same dependency entry our roles declare.
    meta = yaml.safe_load((ROOT / "roles/redis/meta/main.yml").read_text())
    (dependent / "meta/main.yml").write_text(json.dumps({"dependencies": meta["dependencies"]}))
    (dependent / "tasks/main.yml").write_text(json.dumps([{"ansible.builtin.debug": {"msg": "dependent ran"}}]))
    tasks = [
        # Any entry point adds common to ansible_play_role_names; main with the dependency's flag
        # stands in for one here because it changes nothing.
        {"ansible.builtin.include_role": {"name": "fastops.stack.common"}, "vars": {"common_as_dependency": True}},
        {"ansible.builtin.include_role": {"name": "dependent"}},
    ]
    result = play(tmp_path, tasks, roles_path=tmp_path / "roles")
    assert result.rc == 0, result.output
    assert "dependent ran" in result.output


def test_every_dependency_on_common_says_so():
    for role in DEPENDENTS:
        meta = yaml.safe_load((ROOT / f"roles/{role}/meta/main.yml").read_text())
        assert {"role": "fastops.stack.common", "common_as_dependency": True} in meta["dependencies"], role
