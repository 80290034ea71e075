"""Role tags: every entry of a role's main flow carries the role's name as a tag, and what it
includes gets the tag too, so `--tags <role>` and `--skip-tags <role>` take or leave all of it.
Only input checks are tagged `always`. `--list-tasks` of site.yml shows what a selection takes;
the stack scenario runs `site.yml --tags nginx` to prove the same at run time."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROLES_DIR = Path(__file__).resolve().parents[3] / "roles"
ROLES = sorted(path.parent.parent.name for path in ROLES_DIR.glob("*/tasks/main.yml") if "common" not in str(path))
INCLUDES = ("ansible.builtin.include_tasks", "ansible.builtin.include_role")
# The checks of a role's input, which must run whatever is selected, and the values they read.
ALWAYS = (
    "Check cross-field rules",
    "Look for the timezone",
    "Look for the interpreter",
    "Load distribution-specific values",
)


def entries(role):
    return yaml.safe_load((ROLES_DIR / role / "tasks" / "main.yml").read_text())


@pytest.mark.parametrize("role", ROLES)
def test_every_entry_carries_the_role_tag(role):
    untagged = [entry["name"] for entry in entries(role) if role not in entry.get("tags", [])]
    assert untagged == []


@pytest.mark.parametrize("role", ROLES)
def test_what_an_entry_includes_gets_the_tag(role):
    missing = []
    for entry in entries(role):
        for action in INCLUDES:
            if action in entry and role not in ((entry[action] or {}).get("apply") or {}).get("tags", []):
                missing.append(entry["name"])
    assert missing == []


@pytest.mark.parametrize("role", ROLES)
def test_an_included_role_answers_to_its_own_tag(role):
    for entry in entries(role):
        included = (entry.get("ansible.builtin.include_role") or {}).get("name", "")
        if included and included != "fastops.stack.common":
            assert included.rsplit(".", 1)[-1] in entry["tags"], entry["name"]


@pytest.mark.parametrize("role", ROLES)
def test_only_input_checks_always_run(role):
    always = [entry["name"] for entry in entries(role) if "always" in entry.get("tags", [])]
    assert always, "the role's input checks run whatever --tags selects"
    assert [name for name in always if not name.startswith(ALWAYS)] == []


def listed_tasks(*selection):
    """(role, task) pairs ansible-playbook --list-tasks shows for site.yml on the staging inventory."""
    root = ROLES_DIR.parent
    listing = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-i",
            "inventories/staging",
            "--list-tasks",
            "--vault-password-file",
            "inventories/vault-passwords/staging.example",
            *selection,
            "site.yml",
        ],
        cwd=root,
        env=dict(os.environ, ANSIBLE_CONFIG=str(root / "ansible.cfg"), ANSIBLE_NOCOLOR="1"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return set(re.findall(r"^\s+fastops\.stack\.(\w+) : (.+?)\tTAGS", listing, re.MULTILINE))


def test_skip_tags_leaves_out_one_role_and_only_that_role():
    everything = listed_tasks()
    without_app = listed_tasks("--skip-tags", "python_app")
    left = {task for role, task in without_app if role == "python_app"}
    assert left, "site.yml lists python_app's argument spec check whatever is skipped"
    assert all(task.startswith("Validating arguments against arg spec") for task in left), left
    assert {pair for pair in everything if pair[0] != "python_app"} == {
        pair for pair in without_app if pair[0] != "python_app"
    }


def test_tags_take_one_role_and_the_input_checks_of_the_others():
    everything = listed_tasks()
    nginx_only = listed_tasks("--tags", "nginx")
    assert {pair for pair in everything if pair[0] == "nginx"} <= nginx_only
    others = {task for role, task in nginx_only if role != "nginx"}
    assert others
    assert all(task.startswith(("Validating arguments against arg spec", *ALWAYS)) for task in others), others
