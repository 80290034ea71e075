#!/usr/bin/python
# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: venv_check
short_description: Check a Python virtualenv before it goes live - installed packages, programs, importable app
version_added: 0.1.0
description:
  - Asks the virtualenv's own interpreter which versions of given distributions are installed,
    checks that given programs exist in its C(bin/), and imports given modules or
    C(module:attribute) targets (an ASGI app) in the app's directory with the app's environment.
  - Fails when a program is missing or an import fails, naming each; distributions are only
    reported, so a caller can add what is missing.
  - Never changes anything on the host (imports may write C(__pycache__) where the user may).
author:
  - fastops team (@fastops)
options:
  virtualenv:
    description: The virtualenv (its C(bin/python) runs the checks).
    type: path
    required: true
  chdir:
    description: Directory the imports run in and are resolved from (the app's directory).
    type: path
  distributions:
    description: Distribution names whose installed versions are reported (null when missing).
    type: list
    elements: str
    default: []
  programs:
    description: Programs that must exist and be executable in the virtualenv's C(bin/).
    type: list
    elements: str
    default: []
  imports:
    description: Modules or C(module:attribute) targets that must import.
    type: list
    elements: str
    default: []
  environment:
    description: Environment for the imports (the app's settings; values are never logged).
    type: dict
    default: {}
  timeout:
    description: Seconds the imports may take before they count as failed.
    type: int
    default: 60
extends_documentation_fragment:
  - fastops.stack.attributes.read_only
notes:
  - Run it as the user the app runs as (C(become_user)), so an import that needs a file only
    that user may read fails here rather than after the switch.
"""

EXAMPLES = r"""
- name: Check the new release before it goes live
  fastops.stack.venv_check:
    virtualenv: /srv/api/releases/20261201T120000Z-abc/.venv
    chdir: /srv/api/releases/20261201T120000Z-abc/backend
    distributions: [gunicorn, uvicorn-worker, uvicorn]
    programs: [gunicorn, celery]
    imports: ["app.main:app"]
    environment:
      POSTGRES_SERVER: db1.internal
  become: true
  become_user: api
"""

RETURN = r"""
distributions:
  description: Installed version of each of O(distributions), null where it is not installed.
  returned: always
  type: dict
  sample: {"gunicorn": null, "uvicorn": "0.54.0"}
missing_programs:
  description: Programs of O(programs) that are not in the virtualenv's C(bin/).
  returned: always
  type: list
  elements: str
  sample: ["celery"]
import_errors:
  description: For each import target that failed, the exception's last line.
  returned: always
  type: dict
  sample: {"app.mian:app": "ModuleNotFoundError: No module named 'app.mian'"}
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.fastops.stack.plugins.module_utils import venv_probe
from ansible_collections.fastops.stack.plugins.module_utils.interpreter import run_helper


def probe(module, python):
    """Run the probe in the virtualenv's interpreter; returns (answer, None) or (None, problem)."""
    params = module.params
    request = {"distributions": params["distributions"], "imports": params["imports"]}
    environment = dict(params["environment"], PATH=os.path.dirname(python) + ":/usr/bin:/bin")
    # An import that connects somewhere at module level must not hang the deploy.
    run = run_helper(module, python, venv_probe, request, params["chdir"], environment, params["timeout"], 5)
    if run.timed_out:
        return None, f"the imports took longer than {params['timeout']}s (timeout)"
    if run.answer is None:
        return None, f"{python} could not run the check (exit {run.rc}): {run.last_line()}"
    return run.answer, None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            virtualenv=dict(type="path", required=True),
            chdir=dict(type="path"),
            distributions=dict(type="list", elements="str", default=[]),
            programs=dict(type="list", elements="str", default=[]),
            imports=dict(type="list", elements="str", default=[]),
            environment=dict(type="dict", default={}, no_log=True),
            timeout=dict(type="int", default=60),
        ),
        supports_check_mode=True,
    )
    params = module.params
    python = os.path.join(params["virtualenv"], "bin", "python")
    if not os.access(python, os.X_OK):
        module.fail_json(msg=f"virtualenv: no interpreter at {python}")
    if params["chdir"] and not os.path.isdir(params["chdir"]):
        module.fail_json(msg=f"chdir: {params['chdir']} is not a directory")
    if params["timeout"] <= 0:
        module.fail_json(msg=f"timeout must be greater than 0, got {params['timeout']}")

    bin_dir = os.path.join(params["virtualenv"], "bin")
    missing = [name for name in params["programs"] if not os.access(os.path.join(bin_dir, name), os.X_OK)]
    answer, problem = probe(module, python)
    if answer is None:
        answer = {"distributions": {}, "import_errors": {target: problem for target in params["imports"]}}
    result = dict(
        changed=False,
        distributions=answer["distributions"],
        missing_programs=missing,
        import_errors=answer["import_errors"],
    )
    reasons = []
    if missing:
        reasons.append(f"{bin_dir} has no {', '.join(missing)}")
    reasons.extend(f"cannot import {target}: {error}" for target, error in answer["import_errors"].items())
    if reasons:
        module.fail_json(msg="; ".join(reasons), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
