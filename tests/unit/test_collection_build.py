"""The collection as Galaxy ships it: built, installed into an empty path and used by FQCN from a
playbook outside the checkout, with none of the checkout's tools or test files inside."""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ROLES = ["base", "journal", "postgresql", "pgbackrest", "redis", "python_app", "nginx", "letsencrypt", "monitoring"]
LEFT_OUT = [
    ".ansible-lint",
    ".yamllint",
    ".shellcheckrc",
    ".gitignore",
    "ansible.cfg",
    "pyproject.toml",
    "site.yml",
    "Makefile",
    "requirements-dev.txt",
]
LEFT_OUT_DIRS = ["examples/", "inventories/demo/", "molecule/", "tests/", "scripts/", ".ruff_cache/", "collections/"]
PLAYBOOK = """\
- name: Every role of the collection, by its full name
  hosts: localhost
  gather_facts: false
  roles:
{roles}
  tasks:
    - name: A module of the collection
      fastops.stack.health_check:
        url: http://127.0.0.1:1/health
"""


def run(*args, cwd, env):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    place = tmp_path_factory.mktemp("galaxy")
    # Outside the checkout: its ansible.cfg and collections/ link must not help.
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(HOME=str(place), ANSIBLE_COLLECTIONS_PATH=str(place / "collections"))
    run(str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(place), str(ROOT), cwd=place, env=env)
    (tarball,) = place.glob("fastops-stack-*.tar.gz")
    run(
        str(BIN / "ansible-galaxy"),
        "collection",
        "install",
        "--no-deps",
        "-p",
        str(place / "collections"),
        str(tarball),
        cwd=place,
        env=env,
    )
    return place, tarball, env


def test_the_tarball_holds_no_tool_test_or_demo_file(installed):
    _place, tarball, _env = installed
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert not [name for name in names if name in LEFT_OUT], names
    assert not [name for name in names if any(name.startswith(d) for d in LEFT_OUT_DIRS)]
    for role in ROLES:
        assert f"roles/{role}/meta/argument_specs.yml" in names
    assert "playbooks/site.yml" in names


def test_a_playbook_outside_the_checkout_finds_its_roles_and_modules(installed):
    place, _tarball, env = installed
    playbook = place / "uses-fqcn.yml"
    playbook.write_text(PLAYBOOK.format(roles="\n".join(f"    - fastops.stack.{role}" for role in ROLES)))
    out = run(str(BIN / "ansible-playbook"), "--syntax-check", str(playbook), cwd=place, env=env)
    assert "playbook: " in out


def test_the_collections_own_playbooks_resolve_by_name(installed):
    place, _tarball, env = installed
    inventory = place / "collections/ansible_collections/fastops/stack/inventories/staging/hosts.yml"
    for name in ("site", "deploy", "rollback", "promote", "backup", "restore"):
        run(
            str(BIN / "ansible-playbook"),
            "--syntax-check",
            "-i",
            str(inventory),
            f"fastops.stack.{name}",
            cwd=place,
            env=env,
        )


def test_module_documentation_comes_with_it(installed):
    place, _tarball, env = installed
    assert "fastops.stack.deploy_lock" in run(str(BIN / "ansible-doc"), "fastops.stack.deploy_lock", cwd=place, env=env)


def test_its_filters_and_tests_run(installed):
    place, _tarball, env = installed
    expression = "{{ ('localhost' | fastops.stack.private_address(hostvars)) ~ ' ' ~ ('5432' is fastops.stack.port) }}"
    out = run(
        str(BIN / "ansible"),
        "localhost",
        "-m",
        "ansible.builtin.debug",
        "-a",
        f"msg={expression}",
        "-e",
        "fastops_private_address=10.0.0.7",
        cwd=place,
        env=env,
    )
    assert '"msg": "10.0.0.7 True"' in out
