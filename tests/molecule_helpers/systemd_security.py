"""Shared by the Molecule scenarios' testinfra tests (on pytest's path via pyproject.toml)."""

import re


def unit_exposure(host, unit):
    """`systemd-analyze security` exposure of /etc/systemd/system/<unit> as shipped: read
    offline, so the test image's drop-ins neither flatter nor spoil the figure."""
    report = host.check_output(f"systemd-analyze security --offline=true /etc/systemd/system/{unit} 2>&1 | tail -n 1")
    match = re.search(r"Overall exposure level for \S+: ([0-9.]+)", report)
    assert match, report
    return float(match.group(1))
