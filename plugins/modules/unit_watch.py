#!/usr/bin/python
# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: unit_watch
short_description: Watch systemd units for a while and name, with their journal, any that crashes
version_added: 0.1.0
description:
  - Reads the state of systemd units repeatedly for O(seconds). A unit that has failed, that
    systemd is restarting after a crash, or that systemd restarted on its own ends the watch
    at once with a failure naming the unit, how its process ended (C(exit 203/EXEC), a
    signal) and its last journal lines.
  - Meant for processes without a health endpoint (task queue workers, schedulers), where a
    program that crashes on import is "started" for systemd and dies a moment later.
  - Never changes anything on the host.
author:
  - fastops team (@fastops)
options:
  units:
    description: Units to watch (full names, C(app-worker@1.service)).
    type: list
    elements: str
    required: true
  seconds:
    description: How long every unit must stay steady.
    type: float
    default: 5
  interval:
    description: Seconds between two looks.
    type: float
    default: 0.5
  journal_lines:
    description: Journal lines of a crashed unit to put into the failure.
    type: int
    default: 10
extends_documentation_fragment:
  - fastops.stack.attributes.read_only
notes:
  - Needs C(systemctl) and C(journalctl) on the target.
"""

EXAMPLES = r"""
- name: Require the workers to keep running for 5 seconds after their restart
  fastops.stack.unit_watch:
    units:
      - myapp-worker@1.service
      - myapp-worker@2.service
    seconds: 5
"""

RETURN = r"""
units:
  description: The last state read of each unit.
  returned: always
  type: dict
  sample: {"myapp-worker@1.service": {"ActiveState": "active", "SubState": "running", "NRestarts": "0"}}
problems:
  description: Units found failed or restarting, with the reason and their journal tail.
  returned: always
  type: list
  elements: dict
  sample: [{"unit": "myapp-worker@1.service", "reason": "restarting after a crash (exit-code, exit 1)",
            "journal": ["ModuleNotFoundError: No module named 'app.tasks'"]}]
watched_seconds:
  description: How long the units were watched.
  returned: always
  type: float
  sample: 5.01
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.fastops.stack.plugins.module_utils.systemd_units import describe, unit_states, watch


def main():
    module = AnsibleModule(
        argument_spec=dict(
            units=dict(type="list", elements="str", required=True),
            seconds=dict(type="float", default=5),
            interval=dict(type="float", default=0.5),
            journal_lines=dict(type="int", default=10),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["seconds"] < 0:
        module.fail_json(msg=f"seconds must be 0 or more, got {params['seconds']}")
    if params["interval"] <= 0:
        module.fail_json(msg=f"interval must be greater than 0, got {params['interval']}")
    try:
        found, elapsed = watch(
            module.run_command, params["units"], params["seconds"], params["interval"], params["journal_lines"]
        )
        states = unit_states(module.run_command, params["units"])
    except RuntimeError as exc:
        module.fail_json(msg=f"units: {exc}")
    result = dict(changed=False, units=states, problems=found, watched_seconds=elapsed)
    if found:
        module.fail_json(msg=f"not running steadily: {describe(found)}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
