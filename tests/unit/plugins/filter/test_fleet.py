"""The fleet filters derive addresses and firewall rules from the inventory alone."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.fastops.stack.plugins.filter.fleet import (
    address_from,
    firewall_group_rules,
    group_hosts,
    private_address,
    redis_login,
)

HOSTVARS = {
    "lb1": {"fastops_private_address": "10.0.0.10"},
    "app1": {"fastops_private_address": "10.0.0.11"},
    "app2": {"ansible_facts": {"default_ipv4": {"address": "10.0.0.12"}}},
    "worker1": {"ansible_host": "10.0.0.13"},
    "db1": {"fastops_private_address": "10.0.0.20"},
    "mon1": {"fastops_private_address": "10.0.0.30"},
    "lost": {"ansible_host": "lost.example.com"},
    "typo": {"fastops_private_address": "10.0.0.300"},
}
GROUPS = {
    "all": list(HOSTVARS),
    "web": ["lb1"],
    "app": ["app1", "app2"],
    "worker": ["worker1"],
    "postgresql": ["db1"],
    "monitoring": ["mon1"],
}


def test_stated_address_wins_then_facts_then_ansible_host():
    assert private_address("lb1", HOSTVARS) == "10.0.0.10"
    assert private_address("app2", HOSTVARS) == "10.0.0.12"
    assert private_address("worker1", HOSTVARS) == "10.0.0.13"


def test_unknown_address_names_the_host_and_the_variable():
    with pytest.raises(AnsibleFilterError, match="set fastops_private_address for it"):
        private_address("lost", HOSTVARS)


def test_malformed_address_is_refused():
    with pytest.raises(AnsibleFilterError, match="fastops_private_address of typo must be an IP address"):
        private_address("typo", HOSTVARS)


def test_unknown_host_is_refused():
    with pytest.raises(AnsibleFilterError, match="not a host of the inventory"):
        private_address("nope", HOSTVARS)


def test_same_host_is_reached_on_loopback():
    assert address_from("db1", HOSTVARS, "db1") == "127.0.0.1"
    assert address_from("db1", HOSTVARS, "app1") == "10.0.0.20"


def test_group_hosts_keeps_order_and_skips_missing_groups():
    assert group_hosts(GROUPS, ["app", "worker", "nope", "app"]) == ["app1", "app2", "worker1"]


RULES = [
    {"group": "postgresql", "port": 5432, "from_groups": ["app", "worker"]},
    {"group": "all", "port": "9100", "from_groups": ["monitoring"]},
    {"group": "app", "port": "", "from_groups": ["web"]},
]


def test_serving_host_allows_exactly_its_client_groups():
    assert firewall_group_rules(RULES, "db1", GROUPS, HOSTVARS) == [
        {"port": "5432", "proto": "tcp", "src": "10.0.0.11/32"},
        {"port": "5432", "proto": "tcp", "src": "10.0.0.12/32"},
        {"port": "5432", "proto": "tcp", "src": "10.0.0.13/32"},
        {"port": "9100", "proto": "tcp", "src": "10.0.0.30/32"},
    ]


def test_host_outside_the_group_gets_no_rule_and_empty_port_none():
    assert firewall_group_rules(RULES, "app1", GROUPS, HOSTVARS) == [
        {"port": "9100", "proto": "tcp", "src": "10.0.0.30/32"}
    ]


def test_a_host_needs_no_rule_for_itself():
    assert firewall_group_rules(RULES, "mon1", GROUPS, HOSTVARS) == []


def test_a_host_that_left_the_client_group_loses_its_rule():
    groups = dict(GROUPS, app=["app1"])
    sources = [rule["src"] for rule in firewall_group_rules(RULES, "db1", groups, HOSTVARS)]
    assert "10.0.0.12/32" not in sources


def test_incomplete_group_rule_is_refused():
    with pytest.raises(AnsibleFilterError, match="group, port and from_groups"):
        firewall_group_rules([{"group": "web", "port": 80}], "lb1", GROUPS, HOSTVARS)


USERS = [
    {"name": "off", "password": "x", "enabled": False},
    {"name": "app", "password": "app-pw"},
    {"name": "monitor", "password": "mon-pw"},
]


def test_redis_login_is_the_named_user_or_the_first_enabled():
    assert redis_login(USERS, "monitor") == {"username": "monitor", "password": "mon-pw"}
    assert redis_login(USERS) == {"username": "app", "password": "app-pw"}
    assert redis_login([]) == {"username": "", "password": ""}
