"""The units' sandbox: one list, two profiles."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.fastops.stack.plugins.filter.systemd import systemd_sandbox


def settings(text):
    return text.splitlines()


def test_the_paths_are_the_only_writable_ones():
    lines = settings(systemd_sandbox(["/var/lib/app", "/var/log/app"], "app"))
    assert lines[:3] == ["NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/app /var/log/app"]
    assert settings(systemd_sandbox("/var/backups/redis", "job"))[2] == "ReadWritePaths=/var/backups/redis"


def test_only_jobs_deny_writable_executable_memory():
    assert "MemoryDenyWriteExecute=yes" in settings(systemd_sandbox("/x", "job"))
    assert "MemoryDenyWriteExecute=yes" not in settings(systemd_sandbox("/x", "app"))


def test_the_app_gets_its_own_users_and_the_stricter_filters():
    app, job = settings(systemd_sandbox("/x", "app")), settings(systemd_sandbox("/x", "job"))
    for setting in ("PrivateUsers=yes", "ProtectProc=invisible", "SystemCallFilter=~@privileged @resources"):
        assert setting in app
        assert setting not in job
    shared = [line for line in app if line in job]
    assert shared == [line for line in job if line != "MemoryDenyWriteExecute=yes"]
    assert "CapabilityBoundingSet=" in shared


@pytest.mark.parametrize(
    ("paths", "profile", "message"),
    [
        ("/x", "daemon", "profile must be one of app, job"),
        ([], "app", "at least one writable path"),
        (["/my dir"], "job", "paths with spaces"),
    ],
)
def test_bad_input_is_named(paths, profile, message):
    with pytest.raises(AnsibleFilterError, match=message):
        systemd_sandbox(paths, profile)
