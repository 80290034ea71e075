"""Verify the base role on a converged host (state after side_effect.yml)."""

import re


def test_timezone_is_utc(host):
    assert host.check_output("date +%Z") == "UTC"
    assert host.file("/etc/localtime").linked_to.endswith("Etc/UTC")


def test_default_locale_is_set_and_generated(host):
    assert host.file("/etc/default/locale").contains("^LANG=en_US.UTF-8$")
    assert "en_US.utf8" in host.check_output("locale -a")


def test_firewall_is_active_and_denies_incoming_by_default(host):
    status = host.check_output("ufw status verbose")
    assert "Status: active" in status
    assert re.search(r"Default: deny \(incoming\), allow \(outgoing\)", status)


def test_listed_ports_are_allowed(host):
    status = host.check_output("ufw status")
    for port in ("22", "80", "443"):
        assert re.search(rf"^{port}/tcp\s+ALLOW\s+Anywhere", status, re.M), status


def test_rule_removed_from_variables_is_removed_from_host(host):
    assert "9100" not in host.check_output("ufw show added")
    assert "9100" not in host.check_output("ufw status")


def test_unattended_upgrades_take_security_updates_only(host):
    patterns = host.check_output("apt-config dump Unattended-Upgrade::Origins-Pattern")
    origins = re.findall(r'^Unattended-Upgrade::Origins-Pattern:: "([^"]*)";$', patterns, re.M)
    assert origins, patterns
    assert all("Security" in o or "security" in o for o in origins), origins


def test_periodic_upgrades_are_enabled(host):
    dump = host.check_output("apt-config dump APT::Periodic")
    assert 'APT::Periodic::Unattended-Upgrade "1";' in dump
    assert 'APT::Periodic::Update-Package-Lists "1";' in dump
    assert host.service("unattended-upgrades").is_enabled


def test_no_systemd_unit_failed(host):
    assert host.check_output("systemctl --failed --no-legend --plain") == ""


def test_journald_keeps_a_persistent_journal_within_its_limits(host):
    # journald reports the limit it applies when it opens the journal after its restart.
    opened = host.check_output("journalctl --no-pager -o cat -t systemd-journald --grep 'System Journal'")
    assert re.search(r"System Journal \(/var/log/journal/\w+\) is .*, max 48\.0M", opened), opened
    settings = host.check_output("systemd-analyze cat-config systemd/journald.conf")
    assert "MaxRetentionSec=2weeks" in settings.split("50-fastops.conf", 1)[1]
