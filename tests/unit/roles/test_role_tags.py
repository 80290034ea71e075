"""Role tags: every entry of a role's main flow carries the role's name as a tag, and what it
includes gets the tag too, so `--tags <role>` and `--skip-tags <role>` take or leave all of it.
Only input checks are tagged `always`. The stack scenario runs `site.yml --tags nginx` to prove
the same at run time."""

from pathlib import Path

import pytest
import yaml

ROLES_DIR = Path(__file__).resolve().parents[3] / "roles"
ROLES = sorted(path.parent.parent.name for path in ROLES_DIR.glob("*/tasks/main.yml") if "common" not in str(path))
INCLUDES = ("ansible.builtin.include_tasks", "ansible.builtin.include_role")
# The checks of a role's input, which must run whatever is selected, and the values they read.
ALWAYS = ("Check cross-field rules", "Look for the timezone", "Load distribution-specific values")


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
