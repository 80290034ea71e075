# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn the inventory into addresses and firewall rules valid from other hosts.

A role that serves others (PostgreSQL, Redis, the app, the exporters) is reached at its host's
private address; consumers compute it from the inventory, so it is right even when the serving
host is not part of the run (``--limit``).
"""

import ipaddress

from ansible.errors import AnsibleFilterError

LOOPBACK = "127.0.0.1"


def _is_ip(value):
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return False
    return True


def private_address(host, hostvars):
    """The address other hosts reach ``host`` at.

    In order: its ``fastops_private_address`` (the inventory's word), the default IPv4 address
    from its gathered facts, its ``ansible_host`` when that is an IP address.
    """
    if host not in hostvars:
        raise AnsibleFilterError(f"private_address: {host!r} is not a host of the inventory")
    host_vars = hostvars[host]
    stated = host_vars.get("fastops_private_address")
    if stated:
        if not _is_ip(stated):
            raise AnsibleFilterError(f"fastops_private_address of {host} must be an IP address, got {stated!r}")
        return str(stated)
    facts = host_vars.get("ansible_facts") or {}
    gathered = (facts.get("default_ipv4") or {}).get("address")
    if gathered:
        return str(gathered)
    if _is_ip(host_vars.get("ansible_host")):
        return str(host_vars["ansible_host"])
    raise AnsibleFilterError(
        f"no private address known for {host}: set fastops_private_address for it in the inventory "
        "(its facts are not gathered in this run, e.g. because of --limit)"
    )


def address_from(host, hostvars, consumer):
    """Where ``consumer`` reaches ``host``: loopback on the same host, else its private address."""
    if host == consumer:
        return LOOPBACK
    return private_address(host, hostvars)


def group_hosts(groups, names):
    """Hosts of the named groups, in inventory order, each once; missing groups are empty."""
    hosts = []
    for name in names or []:
        for host in groups.get(name) or []:
            if host not in hosts:
                hosts.append(host)
    return hosts


def firewall_group_rules(rules, host, groups, hostvars):
    """Rules for ``host`` from group rules: each rule serving a group ``host`` belongs to allows
    its port from the private address of every host of ``from_groups`` (other than ``host``).

    A rule is ``{group, port, proto?, from_groups}``; an empty port (a service not configured on
    this host) gives no rule. The result is base_firewall_allow's shape, ``/32`` sources.
    """
    result = []
    for rule in rules or []:
        if not isinstance(rule, dict) or not {"group", "port", "from_groups"} <= set(rule):
            raise AnsibleFilterError(f"each firewall group rule needs group, port and from_groups, got {rule!r}")
        port = str(rule["port"] or "").strip()
        if not port or host not in (groups.get(rule["group"]) or []):
            continue
        for source in group_hosts(groups, rule["from_groups"]):
            if source == host:
                continue
            entry = {
                "port": port,
                "proto": rule.get("proto") or "tcp",
                "src": private_address(source, hostvars) + "/32",
            }
            if entry not in result:
                result.append(entry)
    return result


def redis_login(users, app_user=""):
    """The user an app connects to Redis as: ``app_user`` or the first enabled one, with its password."""
    enabled = [user for user in users or [] if user.get("enabled", True)]
    name = app_user or (enabled[0]["name"] if enabled else "")
    for user in enabled:
        if user["name"] == name:
            return {"username": name, "password": user.get("password") or ""}
    return {"username": name, "password": ""}


class FilterModule:
    def filters(self):
        return {
            "private_address": private_address,
            "address_from": address_from,
            "group_hosts": group_hosts,
            "firewall_group_rules": firewall_group_rules,
            "redis_login": redis_login,
        }
