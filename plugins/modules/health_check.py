#!/usr/bin/python
# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: health_check
short_description: Check an HTTP health endpoint and report exactly which checks failed
version_added: 0.1.0
description:
  - Sends an HTTP(S) request from the target host, to a URL or over a Unix domain socket,
    and checks the status code, JSON fields, a body pattern, latency and (for HTTPS) the
    certificate's remaining lifetime.
  - Retries with an optional back-off until every check passes or the attempts run out.
  - Never changes anything on the host.
author:
  - fastops team (@fastops)
options:
  url:
    description:
      - URL to request, C(http://) or C(https://).
      - Mutually exclusive with O(unix_socket).
    type: str
  unix_socket:
    description:
      - Path of a Unix domain socket to send the HTTP request through (for example
        gunicorn's socket), so loopback-only or socket-only services can be checked.
    type: path
  path:
    description: Request path when O(unix_socket) is used.
    type: str
    default: /
  host:
    description: Host header when O(unix_socket) is used.
    type: str
    default: localhost
  method:
    description: HTTP method.
    type: str
    default: GET
    choices: [GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS]
  headers:
    description: Extra request headers.
    type: dict
    default: {}
  body:
    description:
      - Request body. A dict or list is sent as JSON with a C(Content-Type) of C(application/json).
    type: raw
  status_code:
    description: Status codes that count as healthy.
    type: list
    elements: int
    default: [200]
  json:
    description:
      - Expected values in the JSON response, keyed by dotted path
        (C(checks.database), C(items.0.name)). Values are compared as given, or as strings.
      - Anything but a mapping is the whole document the body must be, for example C(true)
        for an endpoint that answers a bare JSON C(true).
    type: raw
    default: {}
  body_regex:
    description: Regular expression the response body must match.
    type: str
  timeout:
    description: Seconds to wait for a connection and a response, per attempt.
    type: float
    default: 5
  retries:
    description: Further attempts after the first one fails.
    type: int
    default: 0
  delay:
    description: Seconds to wait before the first retry.
    type: float
    default: 1
  backoff:
    description: Factor the delay is multiplied by after each retry (C(2) doubles it).
    type: float
    default: 1
  max_elapsed:
    description: Latency budget in seconds; a slower response counts as a failed check.
    type: float
  validate_certs:
    description: Verify the server's certificate chain and name for HTTPS.
    type: bool
    default: true
  ca_path:
    description: CA bundle (PEM) to verify the server certificate with, instead of the system store.
    type: path
  min_cert_days:
    description:
      - For HTTPS, fail when the served certificate expires in fewer days than this.
    type: int
  watch_units:
    description:
      - systemd units serving the endpoint. Before each attempt their state is read; a unit
        that has failed or that systemd is restarting after a crash ends the retries at once,
        and the failure names the unit, how its process ended and its last journal lines.
    type: list
    elements: str
    default: []
  journal_lines:
    description: Journal lines of a failed O(watch_units) unit to put into the failure.
    type: int
    default: 10
extends_documentation_fragment:
  - fastops.stack.attributes.read_only
notes:
  - Redirects are not followed; a health endpoint should answer directly.
  - The certificate lifetime of an unverified connection (O(validate_certs=false)) needs the
    Python C(cryptography) package on the target.
"""

EXAMPLES = r"""
- name: Wait until the app is healthy behind its gunicorn socket
  fastops.stack.health_check:
    unix_socket: /run/myapp/gunicorn.sock
    path: /health
    host: api.example.com
    json:
      status: healthy
      checks.database: ok
      checks.redis: ok
    retries: 10
    delay: 1
    backoff: 1.5

- name: Wait for the app, but stop at once with its journal when its unit crashes
  fastops.stack.health_check:
    unix_socket: /run/myapp/web.sock
    path: /api/v1/utils/health-check/
    json: true
    retries: 10
    watch_units: [myapp-web.service]

- name: Check the public HTTPS endpoint, its latency and certificate
  fastops.stack.health_check:
    url: https://api.example.com/health
    max_elapsed: 0.5
    min_cert_days: 14
"""

RETURN = r"""
url:
  description: The URL or socket that was checked.
  returned: always
  type: str
  sample: unix:/run/myapp/gunicorn.sock:/health
status:
  description: HTTP status of the last attempt; null when no response came.
  returned: always
  type: int
  sample: 200
elapsed:
  description: Seconds the last attempt took.
  returned: always
  type: float
  sample: 0.0123
total_elapsed:
  description: Seconds spent over all attempts, waits included.
  returned: always
  type: float
  sample: 3.05
attempts:
  description: Number of requests made.
  returned: always
  type: int
  sample: 3
json:
  description: The parsed response body when it is JSON.
  returned: always
  type: raw
  sample: {"status": "healthy", "checks": {"database": "ok"}}
body:
  description: The response body, cut to 4096 characters.
  returned: always
  type: str
  sample: '{"status": "healthy"}'
cert_days_left:
  description: Days until the served certificate expires (HTTPS only).
  returned: always
  type: float
  sample: 89.5
failed_checks:
  description: What was wrong in the last attempt, one sentence each; empty when healthy.
  returned: always
  type: list
  elements: str
  sample: ["status 503", "checks.database: expected 'ok', got 'down'"]
units:
  description:
    - The O(watch_units) that were found failed or restarting, with their state and journal
      tail; empty when none was.
  returned: always
  type: list
  elements: dict
  sample: [{"unit": "myapp-web.service", "reason": "restarting after a crash (exit-code, exit 203/EXEC)",
            "journal": ["myapp-web.service: Failed to execute /srv/myapp/current/.venv/bin/gunicorn"]}]
"""

import json

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.fastops.stack.plugins.module_utils.health import (
    Target,
    make_ssl_context,
    probe,
    probe_until_healthy,
)
from ansible_collections.fastops.stack.plugins.module_utils.systemd_units import describe, problems


def build_request(params):
    headers = dict(params["headers"] or {})
    body = params["body"]
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        headers.setdefault("Content-Type", "application/json")
    return {"method": params["method"], "headers": headers, "body": body}


def main():
    module = AnsibleModule(
        argument_spec=dict(
            url=dict(type="str"),
            unix_socket=dict(type="path"),
            path=dict(type="str", default="/"),
            host=dict(type="str", default="localhost"),
            method=dict(
                type="str", default="GET", choices=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
            ),
            headers=dict(type="dict", default={}),
            body=dict(type="raw"),
            status_code=dict(type="list", elements="int", default=[200]),
            json=dict(type="raw", default={}),
            body_regex=dict(type="str"),
            timeout=dict(type="float", default=5),
            retries=dict(type="int", default=0),
            delay=dict(type="float", default=1),
            backoff=dict(type="float", default=1),
            max_elapsed=dict(type="float"),
            validate_certs=dict(type="bool", default=True),
            ca_path=dict(type="path"),
            min_cert_days=dict(type="int"),
            watch_units=dict(type="list", elements="str", default=[]),
            journal_lines=dict(type="int", default=10),
        ),
        mutually_exclusive=[("url", "unix_socket")],
        required_one_of=[("url", "unix_socket")],
        supports_check_mode=True,
    )
    params = module.params
    for name in ("timeout", "delay"):
        if params[name] <= 0:
            module.fail_json(msg=f"{name} must be greater than 0, got {params[name]}")
    if params["retries"] < 0:
        module.fail_json(msg=f"retries must be 0 or more, got {params['retries']}")
    if params["backoff"] < 1:
        module.fail_json(msg=f"backoff must be 1 or more, got {params['backoff']}")
    try:
        target = Target(params["url"], params["unix_socket"], params["path"], params["host"])
    except ValueError as exc:
        module.fail_json(msg=str(exc))

    expect = {
        "status_code": params["status_code"],
        "json": params["json"],
        "body_regex": params["body_regex"],
        "max_elapsed": params["max_elapsed"],
        "min_cert_days": params["min_cert_days"],
    }
    ssl_context = make_ssl_context(params["validate_certs"], params["ca_path"]) if target.scheme == "https" else None
    request = build_request(params)

    def run_probe():
        return probe(target, request, expect, params["timeout"], ssl_context)

    crashed = []

    def units_down():
        if not params["watch_units"]:
            return []
        try:
            crashed[:] = problems(module.run_command, params["watch_units"], params["journal_lines"])
        except RuntimeError as exc:
            module.fail_json(msg=f"watch_units: {exc}")
        return [describe(crashed)] if crashed else []

    result, attempts, total = probe_until_healthy(
        run_probe, params["retries"], params["delay"], params["backoff"], give_up=units_down
    )
    result.update(url=target.label, attempts=attempts, total_elapsed=total, changed=False, units=crashed)
    if result["failed_checks"]:
        plural = "s" if attempts != 1 else ""
        module.fail_json(
            msg=f"{target.label} unhealthy after {attempts} attempt{plural} in {total:.1f}s: "
            + "; ".join(result["failed_checks"]),
            **result,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
