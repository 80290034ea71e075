"""Reach any host of a multi-host scenario from a testinfra test, and probe TCP between hosts."""

import os
import subprocess
import sys

import testinfra

# Private addresses of the multinode scenario's hosts (molecule/multinode/molecule.yml).
ADDRESS = {
    "lb1": "172.31.250.10",
    "app1": "172.31.250.11",
    "app2": "172.31.250.12",
    "worker1": "172.31.250.21",
    "db1": "172.31.250.31",
    "db2": "172.31.250.32",
    "redis1": "172.31.250.41",
    "mon1": "172.31.250.51",
}


def fleet_host(name):
    """The testinfra host for an inventory host of the running scenario."""
    inventory = os.environ.get("MOLECULE_INVENTORY_FILE") or os.path.join(
        os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "inventory"
    )
    return testinfra.get_host(f"ansible://{name}", ansible_inventory=inventory)


def node(short):
    """The testinfra host of the multinode scenario by its short name (db1, app1, mon1...)."""
    return fleet_host(f"fastops-multinode-{short}")


def psql(short, sql, database="postgres"):
    """One statement run as postgres on a multinode host (psql -XtA): the command's result."""
    return node(short).run(f'runuser -u postgres -- psql -d {database} -XtAc "{sql}"')


def psql_value(short, sql, database="postgres"):
    """One statement's output, stripped; the test fails when psql does."""
    result = psql(short, sql, database)
    assert result.rc == 0, f"psql on {short} failed: {result.stderr.strip()}"
    return result.stdout.strip()


def connects(source, address, port, seconds=3):
    """Whether a TCP connection from source to address:port opens within the given seconds.

    A firewall that drops (ufw's deny) makes the attempt time out; one that rejects refuses it:
    both count as not connecting.
    """
    return source.run(f"timeout {seconds} bash -c '</dev/tcp/{address}/{port}'").rc == 0


def playbook(*args):
    """ansible-playbook against the scenario's inventory, as a user runs it (staging's example vault
    password); results as JSON, so no line is wrapped."""
    project = os.environ["MOLECULE_PROJECT_DIRECTORY"]
    return subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
            "-i",
            os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "inventory"),
            *args,
        ],
        cwd=project,
        env=dict(
            os.environ,
            ANSIBLE_CONFIG=os.path.join(project, "ansible.cfg"),
            ANSIBLE_VAULT_PASSWORD_FILE=os.path.join(project, "inventories/vault-passwords/staging.example"),
            ANSIBLE_CALLBACK_RESULT_FORMAT="json",
            ANSIBLE_NOCOLOR="1",
        ),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
