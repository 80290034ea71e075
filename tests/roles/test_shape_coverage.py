"""Every option whose shape an argument spec cannot express has a check in its role's validation.

An int option named *port, an address-like option (address, listen, bind, host, url...) or a name
that ends up in a file or unit name must be named in the role's validation tasks, so that the
next such variable cannot slip through unchecked.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(path.parents[1] for path in ROOT.glob("roles/*/meta/argument_specs.yml"))
ADDRESS_LIKE = re.compile(r"(address|addresses|listen|tcp|bind|host|url|smarthost|server_names|upstream_servers)$")
NAME_LIKE = re.compile(r"(^|_)name$")
# How an entry point names its own check of its variables (tasks_from: restore, promote...).
CHECKS = "- name: Check cross-field rules of the "


def flat_options(options, prefix=""):
    for name, opt in (options or {}).items():
        yield prefix + name, opt
        joiner = "[]." if opt.get("type") == "list" else "."
        yield from flat_options(opt.get("options"), prefix + name + joiner)


def needs_shape_check(name, opt):
    leaf = re.split(r"[.\]]", name)[-1]
    if opt.get("choices") or opt.get("type") == "bool":
        return False
    if opt.get("type") == "int" and leaf.endswith("port"):
        return True
    return bool(ADDRESS_LIKE.search(leaf) or NAME_LIKE.search(leaf))


def validation_text(role):
    """The role's validation tasks, and those of entry points that check their own variables first."""
    tasks = role / "tasks"
    files = [tasks / "validate.yml", tasks / "main.yml"]
    files += [path for path in sorted(tasks.glob("*.yml")) if path not in files and CHECKS in path.read_text()]
    return "\n".join(path.read_text() for path in files if path.exists())


def is_checked(text, name):
    """The variable (and for a sub-option its key) is named in the validation tasks."""
    parent, _sep, leaf = name.partition("[].")
    if not leaf:
        parent, _sep, leaf = name.partition(".")
    if not leaf:
        return re.search(rf"\b{re.escape(name)}\b", text) is not None
    return parent in text and re.search(rf"['.]{re.escape(leaf)}\b", text) is not None


CASES = [
    (role.name, name)
    for role in ROLES
    for name, opt in flat_options(
        yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    )
    if needs_shape_check(name, opt)
]


@pytest.mark.parametrize(("role", "name"), CASES, ids=[f"{role}:{name}" for role, name in CASES])
def test_option_has_a_shape_check(role, name):
    assert is_checked(validation_text(ROOT / "roles" / role), name), (
        f"{name} ({role}) looks like a port, an address or a name that becomes a file/unit name, but "
        f"roles/{role}/tasks/validate.yml does not check it: add a check with a fail_msg that names it"
    )


def test_the_walk_finds_the_known_kinds():
    names = {name for _role, name in CASES}
    assert {"postgresql_port", "python_app_web_tcp", "nginx_sites[].server_names", "python_app_name"} <= names
