"""Polling and Prometheus helpers shared by the Molecule scenarios' testinfra tests."""

import json
import time

PROMETHEUS = "http://127.0.0.1:9090"
# Where the scenarios' side effects leave what they saw, for verify to read.
EVIDENCE = "/var/tmp/fastops-test"


def wait_for(probe, seconds, interval=2):
    """Poll probe() until it returns something truthy; return its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def prometheus_api(host, path):
    """The `data` of a Prometheus HTTP API answer, asked from the host itself."""
    return json.loads(host.check_output(f"curl -sS --max-time 10 -g '{PROMETHEUS}{path}'"))["data"]


def prometheus_query(host, promql):
    return prometheus_api(host, "/api/v1/query?query=" + promql.replace(" ", "%20"))["result"]


def request(host, url, method="GET"):
    """(status, parsed JSON or text) of one request made with curl on the host (new connection,
    certificate not checked: the test sites are self-signed)."""
    out = host.run(f"curl -sk --max-time 10 -X {method} -w '\\n%{{http_code}}' '{url}'")
    body, _newline, status = out.stdout.rpartition("\n")
    try:
        return int(status or 0), json.loads(body)
    except ValueError:
        return int(status or 0), body


def journal(host, unit, lines=30):
    return host.run(f"journalctl -u {unit} -n {lines} --no-pager").stdout


def evidence(host, name):
    """What a side effect saw, left on the host as EVIDENCE/<name>.json."""
    return json.loads(host.file(f"{EVIDENCE}/{name}.json").content_string)
