"""The ufw filters recognise their own tagged rules and nothing else."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.fastops.stack.plugins.filter.ufw import ufw_missing_rules, ufw_rules, ufw_stale_rules

SHOW_ADDED = """Added user rules (see 'ufw status' for running firewall):
ufw allow 22/tcp comment 'fastops:tcp/22@any'
ufw allow from 10.0.0.0/8 to any port 9100 proto tcp comment 'fastops:tcp/9100@10.0.0.0/8'
ufw allow 6000:6007/udp comment 'fastops:udp/6000:6007@any'
ufw allow 8080/tcp comment 'added by hand'
ufw allow 53
"""


def test_defaults_and_tag_are_filled_in():
    assert ufw_rules([{"port": 22}]) == [{"port": "22", "proto": "tcp", "src": "any", "tag": "fastops:tcp/22@any"}]


def test_rule_without_port_is_rejected():
    with pytest.raises(AnsibleFilterError, match="'port'"):
        ufw_rules([{"proto": "tcp"}])


def test_rules_still_listed_are_not_stale():
    wanted = [{"port": 22}, {"port": "9100", "src": "10.0.0.0/8"}, {"port": "6000:6007", "proto": "udp"}]
    assert ufw_stale_rules(SHOW_ADDED, wanted) == []


def test_dropped_rules_are_stale_and_parsed_back():
    stale = ufw_stale_rules(SHOW_ADDED, [{"port": 22}])
    assert stale == [
        {"port": "9100", "proto": "tcp", "src": "10.0.0.0/8", "tag": "fastops:tcp/9100@10.0.0.0/8"},
        {"port": "6000:6007", "proto": "udp", "src": "any", "tag": "fastops:udp/6000:6007@any"},
    ]


def test_rules_added_by_hand_are_never_stale():
    stale = ufw_stale_rules(SHOW_ADDED, [])
    assert all(rule["tag"].startswith("fastops:") for rule in stale)
    assert not any(rule["port"] in ("8080", "53") for rule in stale)


def test_empty_output_has_no_stale_rules():
    assert ufw_stale_rules("", [{"port": 22}]) == []


def test_rules_ufw_has_are_not_missing():
    wanted = [{"port": 22}, {"port": "9100", "src": "10.0.0.0/8"}, {"port": "6000:6007", "proto": "udp"}]
    assert ufw_missing_rules(SHOW_ADDED, wanted) == []


def test_new_rules_and_a_rule_added_by_hand_without_the_tag_are_missing():
    missing = ufw_missing_rules(SHOW_ADDED, [{"port": 22}, {"port": 8080}, {"port": 5432, "src": "10.0.0.5"}])
    assert [rule["tag"] for rule in missing] == ["fastops:tcp/8080@any", "fastops:tcp/5432@10.0.0.5"]


def test_on_a_fresh_host_every_rule_is_missing():
    assert ufw_missing_rules("", [{"port": 22}]) == ufw_rules([{"port": 22}])
