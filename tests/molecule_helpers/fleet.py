"""Reach any host of a multi-host scenario from a testinfra test, and probe TCP between hosts."""

import os

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


def connects(source, address, port, seconds=3):
    """Whether a TCP connection from source to address:port opens within the given seconds.

    A firewall that drops (ufw's deny) makes the attempt time out; one that rejects refuses it:
    both count as not connecting.
    """
    return source.run(f"timeout {seconds} bash -c '</dev/tcp/{address}/{port}'").rc == 0
