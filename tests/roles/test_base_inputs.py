"""Bad input to fastops.stack.base fails at validation, naming the variable."""

import pytest


@pytest.mark.parametrize(
    ("role_vars", "variable"),
    [
        pytest.param({"base_firewall_default_incoming": "allow"}, "base_firewall_default_incoming", id="bad-policy"),
        pytest.param({"base_firewall_allow": [{"port": "22", "proto": "icmp"}]}, "proto", id="bad-proto"),
        pytest.param({"base_firewall_allow": [{"port": "ssh"}]}, "base_firewall_allow", id="port-not-a-number"),
        pytest.param({"base_firewall_allow": [{"port": "443"}]}, "base_firewall_ssh_port", id="ssh-not-allowed"),
        pytest.param(
            {"base_unattended_upgrades_reboot_time": "25:00"}, "base_unattended_upgrades_reboot_time", id="bad-time"
        ),
        pytest.param({"base_firewall_ssh_port": "ssh"}, "base_firewall_ssh_port", id="ssh-port-not-a-number"),
        pytest.param({"base_firewall_enabled": "maybe"}, "base_firewall_enabled", id="not-a-bool"),
        pytest.param({"base_journald_storage": "disk"}, "base_journald_storage", id="journald-storage"),
        pytest.param(
            {"base_journald_system_max_use": "1 gigabyte"}, "base_journald_system_max_use: must be a size", id="size"
        ),
        pytest.param(
            {"base_journald_max_retention": "30 days"}, "base_journald_max_retention: must be a time span", id="span"
        ),
    ],
)
def test_bad_input_fails_at_validation(assert_rejected, role_vars, variable):
    assert_rejected("base", role_vars, variable)


def test_valid_input_passes_validation(run_role):
    result = run_role("base", {"base_firewall_ssh_port": None, "base_firewall_allow": [{"port": "443"}]})
    assert not result.failed_at_validation, result.output
