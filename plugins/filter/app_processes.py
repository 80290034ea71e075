# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for the python_app role's processes beside the web server (python_app_processes):
what is wrong with them, and the systemd unit instances that run them."""

import re

from ansible.errors import AnsibleFilterError

NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
NEEDS_APP = ("celery_worker", "celery_beat", "dramatiq")
COUNTS = ("instances", "concurrency", "processes", "threads")


def _processes(processes, name):
    if not isinstance(processes, list) or not all(isinstance(p, dict) for p in processes):
        raise AnsibleFilterError(f"{name}: expects a list of processes (mappings), got {processes!r}")
    return processes


def _positive(value):
    try:
        return int(value) > 0
    except (TypeError, ValueError):
        return False


def app_process_problems(processes, types):
    """One message per problem, each starting with the process's name; empty when all is well."""
    problems = []
    for process in _processes(processes, "app_process_problems"):
        name, kind = process.get("name"), process.get("type")
        if not isinstance(name, str) or not NAME.match(name) or name == "web":
            problems.append(f"{name}: name must be lower-case letters, digits, - (and not web)")
        if kind not in types:
            problems.append(f"{name}: unknown type {kind}, use one of {', '.join(types)}")
        if kind == "command" and not process.get("command"):
            problems.append(f"{name}: type command needs command")
        if kind in NEEDS_APP and not process.get("app"):
            problems.append(f"{name}: type {kind} needs app (Celery app or Dramatiq broker module)")
        problems += [
            f"{name}: {key} must be above 0"
            for key in COUNTS
            if process.get(key) is not None and not _positive(process[key])
        ]
    names = [process.get("name") for process in processes]
    if len(names) != len(set(names)):
        problems.append("process names must be unique")
    return problems


def app_process_units(processes, app_name):
    """<app>-<process>@<n>.service for n in 1..instances; Celery beat runs once whatever instances says."""
    units = []
    for process in _processes(processes, "app_process_units"):
        count = 1 if process.get("type") == "celery_beat" else int(process.get("instances") or 1)
        units += [f"{app_name}-{process['name']}@{index}.service" for index in range(1, count + 1)]
    return units


class FilterModule:
    def filters(self):
        return {"app_process_problems": app_process_problems, "app_process_units": app_process_units}
