# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The systemd sandbox every unit of the collection runs in, written once.

Two profiles share one list: ``app`` for the app's long-running processes and ``job`` for
the backup jobs. They differ where the app's code needs it: CPython extensions (cffi
callbacks, some JITs) map writable+executable memory, so only jobs get
MemoryDenyWriteExecute; the jobs talk to their database as its own user, so only the app
gets a private user namespace and the stricter process and IPC settings.
"""

from ansible.errors import AnsibleFilterError

PROFILES = ("app", "job")
BOTH = PROFILES
APP = ("app",)
JOB = ("job",)

# (setting, profiles), in the order the unit files list them; {paths} is filled per unit.
_SANDBOX = (
    ("NoNewPrivileges=yes", BOTH),
    ("ProtectSystem=strict", BOTH),
    ("ReadWritePaths={paths}", BOTH),
    ("ProtectHome=yes", BOTH),
    ("PrivateTmp=yes", BOTH),
    ("PrivateDevices=yes", BOTH),
    ("PrivateUsers=yes", APP),
    ("ProtectKernelTunables=yes", BOTH),
    ("ProtectKernelModules=yes", BOTH),
    ("ProtectKernelLogs=yes", BOTH),
    ("ProtectControlGroups=yes", BOTH),
    ("ProtectClock=yes", BOTH),
    ("ProtectHostname=yes", BOTH),
    ("ProtectProc=invisible", APP),
    ("ProcSubset=pid", APP),
    ("RestrictSUIDSGID=yes", BOTH),
    ("RestrictRealtime=yes", BOTH),
    ("RestrictNamespaces=yes", BOTH),
    ("LockPersonality=yes", BOTH),
    ("RemoveIPC=yes", APP),
    ("KeyringMode=private", APP),
    ("DevicePolicy=closed", APP),
    ("MemoryDenyWriteExecute=yes", JOB),
    ("CapabilityBoundingSet=", BOTH),
    ("AmbientCapabilities=", APP),
    ("SystemCallArchitectures=native", BOTH),
    ("SystemCallFilter=@system-service", BOTH),
    ("SystemCallFilter=~@privileged @resources", APP),
    ("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", BOTH),
)


def systemd_sandbox(writable_paths, profile):
    """The [Service] sandbox lines of a profile, one per line, writable only in the given paths."""
    if profile not in PROFILES:
        raise AnsibleFilterError(f"systemd_sandbox: profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    paths = [writable_paths] if isinstance(writable_paths, str) else list(writable_paths or [])
    paths = [str(path) for path in paths if path]
    if not paths:
        raise AnsibleFilterError("systemd_sandbox: a sandboxed unit needs at least one writable path")
    if any(" " in path for path in paths):
        raise AnsibleFilterError(f"systemd_sandbox: paths with spaces are not supported: {paths!r}")
    lines = [setting.format(paths=" ".join(paths)) for setting, profiles in _SANDBOX if profile in profiles]
    return "\n".join(lines)


class FilterModule:
    def filters(self):
        return {"systemd_sandbox": systemd_sandbox}
