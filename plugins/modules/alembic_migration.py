#!/usr/bin/python
# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: alembic_migration
short_description: Apply Alembic migrations and report exactly what ran
version_added: 0.1.0
description:
  - Upgrades or downgrades a database with Alembic, driven through the application's own
    interpreter (its virtualenv), and reports the revisions before and after, what was
    applied and what is pending.
  - Uses Alembic's API (C(ScriptDirectory), C(EnvironmentContext)) in the application's
    interpreter and exchanges JSON with it; no command output is scraped. The project's
    C(env.py) decides how to connect, as with the C(alembic) command.
  - Reports V(changed) only when migrations ran. In check mode it computes what would run
    without touching the schema.
author:
  - fastops team (@fastops)
options:
  project_path:
    description: Directory that holds the Alembic configuration; the helper runs from here.
    type: path
    required: true
  config:
    description: Alembic configuration file, relative to O(project_path) unless absolute.
    type: path
    default: alembic.ini
  virtualenv:
    description:
      - Virtualenv that has Alembic installed; its C(bin/python) runs the migrations.
      - Mutually exclusive with O(python). With neither, the interpreter running this module is used.
    type: path
  python:
    description: Interpreter that has Alembic installed.
    type: path
  revision:
    description:
      - Target revision. V(head) (the single head), V(heads) (every branch head), a
        revision id, V(base), or a relative step such as V(-1) for downgrades.
    type: str
    default: head
  direction:
    description: Whether to move forward to O(revision) or back to it.
    type: str
    default: upgrade
    choices: [upgrade, downgrade]
  environment:
    description:
      - Environment variables for the migration run, such as C(DATABASE_URL). Values are never logged.
    type: dict
    default: {}
  x_arguments:
    description: Values passed as Alembic C(-x) arguments (read by C(env.py) with C(context.get_x_argument())).
    type: list
    elements: str
    default: []
  timeout:
    description: Seconds the migration may take before it is stopped and reported as failed.
    type: int
    default: 600
  sql:
    description:
      - Offline mode. Return the SQL the migration would run (Alembic's C(--sql)) in RV(sql)
        instead of executing it. Nothing changes.
    type: bool
    default: false
  sql_from:
    description:
      - Starting revision for O(sql) mode. When omitted, the database's current revision is
        read (so the database must be reachable); give it to work without a database.
    type: str
attributes:
  check_mode:
    support: full
    description: Computes RV(pending) from the database's current revision without applying anything.
  diff_mode:
    support: full
    description: Shows the database's revisions before and after.
  platform:
    support: full
    platforms: posix
    description: Runs on the host that holds the application's virtualenv.
notes:
  - On databases with transactional DDL (PostgreSQL) Alembic runs all pending migrations in
    one transaction by default, so a failure leaves the database at its previous revision;
    RV(current_revisions) always reports where it really is.
"""

EXAMPLES = r"""
- name: Apply pending migrations of the current release
  fastops.stack.alembic_migration:
    project_path: /srv/myapp/current/backend
    virtualenv: /srv/myapp/current/.venv
    environment:
      DATABASE_URL: "{{ myapp_database_url }}"
  register: migration

- name: See what a deploy would migrate, without touching the schema
  fastops.stack.alembic_migration:
    project_path: /srv/myapp/releases/20260101120000/backend
    virtualenv: /srv/myapp/releases/20260101120000/.venv
    environment:
      DATABASE_URL: "{{ myapp_database_url }}"
  check_mode: true
  register: planned

- name: Step one revision back
  fastops.stack.alembic_migration:
    project_path: /srv/myapp/current/backend
    virtualenv: /srv/myapp/current/.venv
    direction: downgrade
    revision: "-1"

- name: Produce the SQL for a DBA to review
  fastops.stack.alembic_migration:
    project_path: /srv/myapp/current/backend
    virtualenv: /srv/myapp/current/.venv
    sql: true
    sql_from: 3f2a1b7c9d10
  register: migration_sql
"""

RETURN = r"""
previous_revisions:
  description: The database's revisions before the run (empty at base).
  returned: unless the database could not be read, or in O(sql) mode
  type: list
  elements: str
  sample: ["1a2b3c4d5e6f"]
previous_revision:
  description: The single previous revision, or null when there were none or several.
  returned: unless the database could not be read, or in O(sql) mode
  type: str
  sample: 1a2b3c4d5e6f
current_revisions:
  description: The database's revisions after the run (in check mode, the same as before).
  returned: unless the database could not be read, or in O(sql) mode
  type: list
  elements: str
  sample: ["9f8e7d6c5b4a"]
current_revision:
  description: The single current revision, or null when there are none or several.
  returned: unless the database could not be read, or in O(sql) mode
  type: str
  sample: 9f8e7d6c5b4a
target_revision:
  description: The requested target.
  returned: always
  type: str
  sample: head
heads:
  description: Head revisions of the migration scripts.
  returned: when the scripts could be read
  type: list
  elements: str
  sample: ["9f8e7d6c5b4a"]
pending:
  description: Migrations that were due before the run, in the order they run.
  returned: unless the database could not be read, or in O(sql) mode
  type: list
  elements: dict
  sample: [{"revision": "9f8e7d6c5b4a", "down_revision": "1a2b3c4d5e6f", "message": "add orders"}]
applied:
  description: Migrations that ran, in order (empty in check mode).
  returned: unless the database could not be read, or in O(sql) mode
  type: list
  elements: dict
  sample: [{"revision": "9f8e7d6c5b4a", "down_revision": "1a2b3c4d5e6f", "message": "add orders"}]
sql:
  description: The SQL Alembic would run, in O(sql) mode.
  returned: when O(sql=true)
  type: str
  sample: "BEGIN;\nCREATE TABLE orders (...);\nCOMMIT;"
failed_revision:
  description: The migration that raised.
  returned: when a migration failed
  type: str
  sample: 9f8e7d6c5b4a
error_kind:
  description: >-
    Class of failure: alembic_missing, config_missing, config_invalid, script_location_missing,
    database, env_failed, multiple_heads, unknown_revision, invalid_target, migration_failed,
    timeout, unexpected.
  returned: on failure
  type: str
  sample: migration_failed
stdout:
  description: What the migration run printed (Alembic's log and the project's own output).
  returned: always
  type: str
  sample: "INFO  [alembic.runtime.migration] Running upgrade  -> 1a2b3c4d5e6f, create users"
stderr:
  description: Error output of the migration run.
  returned: always
  type: str
  sample: ""
traceback:
  description: Python traceback of an unexpected failure.
  returned: on failure, when there is one
  type: str
  sample: "Traceback (most recent call last): ..."
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.fastops.stack.plugins.module_utils import alembic_helper
from ansible_collections.fastops.stack.plugins.module_utils.interpreter import run_helper


def interpreter(module):
    params = module.params
    if params["virtualenv"]:
        path = os.path.join(params["virtualenv"], "bin", "python")
        if not os.path.exists(path):
            module.fail_json(msg=f"virtualenv {params['virtualenv']} has no bin/python", error_kind="alembic_missing")
        return path
    if params["python"]:
        if not os.access(params["python"], os.X_OK):
            module.fail_json(
                msg=f"python {params['python']} is not an executable interpreter", error_kind="alembic_missing"
            )
        return params["python"]
    return module.get_bin_path("python3", required=True)


def run_alembic_helper(module, python, action, config_path, timeout):
    """Run the helper in the app's interpreter; returns (answer, stdout, stderr), or None on timeout."""
    params = module.params
    request = {
        "action": action,
        "config": config_path,
        "revision": params["revision"],
        "direction": params["direction"],
        "x_arguments": params["x_arguments"],
        "sql_from": params["sql_from"],
    }
    environment = dict(params["environment"], PYTHONUNBUFFERED="1")
    run = run_helper(module, python, alembic_helper, request, params["project_path"], environment, timeout)
    if run.timed_out:
        return None, run.out, run.err
    if run.answer is None:
        module.fail_json(
            msg=f"{python} could not run the Alembic helper (exit {run.rc}): {run.last_line()}",
            error_kind="unexpected",
            stdout=run.out,
            stderr=run.err,
            target_revision=params["revision"],
        )
    return run.answer, run.out, run.err


def fail_timeout(module, python, config_path, out, err):
    """Say where the database was left after a migration was stopped."""
    answer = run_alembic_helper(module, python, "plan", config_path, 60)[0]
    revisions = answer.get("current") if answer and answer.get("ok") else None
    where = (", ".join(revisions) or "base") if revisions is not None else "unknown (could not read it)"
    limit = module.params["timeout"]
    module.fail_json(
        msg=f"Alembic migration timed out after {limit}s and was stopped; the database is at {where}",
        error_kind="timeout",
        current_revisions=revisions,
        current_revision=single(revisions),
        stdout=out,
        stderr=err,
        target_revision=module.params["revision"],
    )


def single(revisions):
    return revisions[0] if revisions and len(revisions) == 1 else None


def expected_after(pending, current, direction):
    """Revisions the database would reach in check mode (exact for linear histories)."""
    if not pending:
        return current
    last = pending[-1]
    if direction == "upgrade":
        return [last["revision"]]
    down = last["down_revision"]
    if down is None:
        return []
    return list(down) if isinstance(down, list) else [down]


def revision_text(revisions):
    return "revisions: " + (", ".join(revisions) if revisions else "base") + "\n"


def main():
    module = AnsibleModule(
        argument_spec=dict(
            project_path=dict(type="path", required=True),
            config=dict(type="path", default="alembic.ini"),
            virtualenv=dict(type="path"),
            python=dict(type="path"),
            revision=dict(type="str", default="head"),
            direction=dict(type="str", default="upgrade", choices=["upgrade", "downgrade"]),
            environment=dict(type="dict", default={}, no_log=True),
            x_arguments=dict(type="list", elements="str", default=[]),
            timeout=dict(type="int", default=600),
            sql=dict(type="bool", default=False),
            sql_from=dict(type="str"),
        ),
        mutually_exclusive=[("virtualenv", "python")],
        supports_check_mode=True,
    )
    params = module.params
    if not os.path.isdir(params["project_path"]):
        module.fail_json(msg=f"project_path {params['project_path']} is not a directory", error_kind="config_missing")
    if params["timeout"] <= 0:
        module.fail_json(msg=f"timeout must be greater than 0, got {params['timeout']}")
    if not params["revision"].strip():
        module.fail_json(msg="revision must not be empty")
    config_path = os.path.join(params["project_path"], params["config"])
    python = interpreter(module)

    action = "sql" if params["sql"] else ("plan" if module.check_mode else "migrate")
    answer, out, err = run_alembic_helper(module, python, action, config_path, params["timeout"])
    if answer is None:
        fail_timeout(module, python, config_path, out, err)
    result = dict(changed=False, target_revision=params["revision"], stdout=out, stderr=err)
    if "heads" in answer:
        result["heads"] = answer["heads"]

    if not answer["ok"]:
        error = answer["error"]
        result["error_kind"] = error.pop("kind")
        message = error.pop("message")
        if error.get("current") is not None:
            result.update(current_revisions=error["current"], current_revision=single(error["current"]))
        result.update({key: value for key, value in error.items() if key != "current"})
        result["changed"] = bool(error.get("applied"))
        module.fail_json(msg=message, **result)

    if action == "sql":
        result.update(sql=answer["sql"], sql_from=answer["sql_from"])
        module.exit_json(**result)

    before, after = answer["current"], answer["after"]
    result.update(
        previous_revisions=before,
        previous_revision=single(before),
        current_revisions=after,
        current_revision=single(after),
        pending=answer["pending"],
        applied=answer["applied"],
        changed=bool(answer["applied"]) or (module.check_mode and bool(answer["pending"])),
    )
    if module._diff:
        planned = after if action == "migrate" else expected_after(answer["pending"], after, params["direction"])
        result["diff"] = {"before": revision_text(before), "after": revision_text(planned)}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
