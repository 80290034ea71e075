#!/usr/bin/python
# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: deploy_lock
short_description: Take or release the lock that keeps two deploys of a fleet from running at once
version_added: 0.2.0
description:
  - Takes the lock by creating its file exclusively (C(O_CREAT|O_EXCL)), with a JSON record of the holder
    (deploy id, user, controller, start time). Two deploys that try at the same moment cannot both win.
  - A lock held by another deploy fails the task at once, naming who holds it, since when and for how long,
    and how to break it. The holder itself may take it again (a playbook's later plays).
  - Releasing removes the file only when this deploy holds it.
author:
  - fastops team (@fastops)
options:
  path:
    description: The lock file (its directory must exist).
    type: path
    required: true
  state:
    description: C(present) takes the lock, C(absent) releases it.
    type: str
    choices: [present, absent]
    default: present
  holder:
    description:
      - Who takes or releases the lock. Key C(id) is required and names the deploy; other keys
        (C(user), C(controller), C(started)) are recorded and shown to whoever finds the lock held.
    type: dict
    required: true
  force:
    description:
      - Take the lock even when another deploy holds it (a lock left by a deploy that was killed),
        or release it whoever holds it. The broken holder is returned.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Reports whether the lock could be taken or released, and changes nothing.
  diff_mode:
    support: none
    description: The holder record is returned instead.
  platform:
    support: full
    platforms: posix
    description: Runs on the host that keeps the lock (the first app host in playbooks/deploy.yml).
"""

EXAMPLES = r"""
- name: Take the deploy lock
  fastops.stack.deploy_lock:
    path: /var/lib/fastops/deploy.lock
    holder:
      id: 20261202T101500Z
      user: alice
      controller: laptop
      started: "2026-12-02T10:15:00Z"

- name: Release it
  fastops.stack.deploy_lock:
    path: /var/lib/fastops/deploy.lock
    state: absent
    holder:
      id: 20261202T101500Z
"""

RETURN = r"""
holder:
  description: The record in the lock file after the task (empty when released).
  returned: always
  type: dict
  sample: {"id": "20261202T101500Z", "user": "alice", "controller": "laptop", "started": "2026-12-02T10:15:00Z"}
broken:
  description: The record of the other deploy whose lock C(force) broke; empty when none.
  returned: always
  type: dict
"""

import json
import os
import time

from ansible.module_utils.basic import AnsibleModule


def read_holder(path):
    """The lock file's record, {} when there is none; an unreadable record is reported as such."""
    try:
        with open(path, encoding="utf-8") as lock:
            text = lock.read()
    except FileNotFoundError:
        return {}
    try:
        record = json.loads(text)
    except ValueError:
        record = None
    if not isinstance(record, dict) or "id" not in record:
        return {"id": "(unreadable lock record)", "raw": text[:200]}
    return record


def describe(holder, path):
    age = ""
    try:
        age = f", {int(time.time() - os.stat(path).st_mtime)} s ago"
    except OSError:
        pass
    who = holder.get("user") or "someone"
    if holder.get("controller"):
        who = f"{who}@{holder['controller']}"
    since = holder.get("started") or "an unknown time"
    return f"deploy {holder['id']} of {who}, started {since}{age}"


def create_exclusively(path, holder):
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as lock:
        json.dump(holder, lock, sort_keys=True)
        lock.write("\n")


def take(module, path, holder, force):
    current = read_holder(path)
    if current.get("id") == holder["id"]:
        module.exit_json(changed=False, holder=current, broken={})
    if current and not force:
        module.fail_json(
            msg=(
                f"another deploy holds the lock {path}: {describe(current, path)}. Wait for it to finish; "
                "if it was killed, break the lock with fastops_deploy_break_lock=true"
            ),
            holder=current,
            broken={},
        )
    if module.check_mode:
        module.exit_json(changed=True, holder=holder, broken=current)
    if current:
        os.unlink(path)
    try:
        create_exclusively(path, holder)
    except FileExistsError:
        # Another deploy took it between the read and the create.
        winner = read_holder(path)
        module.fail_json(msg=f"another deploy took the lock {path} just now: {describe(winner, path)}", holder=winner)
    except OSError as error:
        module.fail_json(msg=f"path: cannot create the lock file {path}: {error.strerror}", holder={}, broken={})
    module.exit_json(changed=True, holder=holder, broken=current)


def release(module, path, holder, force):
    current = read_holder(path)
    if not current:
        module.exit_json(changed=False, holder={}, broken={})
    if current.get("id") != holder["id"] and not force:
        module.warn(f"the lock {path} is held by {describe(current, path)}, not by this deploy: left in place")
        module.exit_json(changed=False, holder=current, broken={})
    if not module.check_mode:
        os.unlink(path)
    broken = current if current.get("id") != holder["id"] else {}
    module.exit_json(changed=True, holder={}, broken=broken)


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "holder": {"type": "dict", "required": True},
            "force": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    path = module.params["path"]
    holder = {str(key): "" if value is None else str(value) for key, value in module.params["holder"].items()}
    if not holder.get("id"):
        module.fail_json(msg="holder: needs a non-empty 'id' naming the deploy", holder={}, broken={})
    if not os.path.isdir(os.path.dirname(path) or "."):
        module.fail_json(msg=f"path: the directory of {path} does not exist", holder={}, broken={})
    if module.params["state"] == "present":
        take(module, path, holder, module.params["force"])
    release(module, path, holder, module.params["force"])


if __name__ == "__main__":
    main()
