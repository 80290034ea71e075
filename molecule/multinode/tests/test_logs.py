"""The fleet's journals on the monitoring host (the journal role): a request's JSON line from app1 is
found on mon1 by its request id, and journal-remote takes uploads only from the fleet's CA's certificates."""

import json

import pytest
from fleet import fleet_host
from polling import wait_for

testinfra_hosts = ["ansible://fastops-multinode-lb1"]

SITE = "https://fastops-multinode-lb1"
COLLECTOR = "https://172.31.250.51:19532/upload"
REMOTE = "/var/log/journal/remote"
TLS = "/etc/fastops-journal"
SENDERS = ["lb1", "app1", "app2", "worker1", "db1", "db2", "redis1"]


def node(short):
    return fleet_host(f"fastops-multinode-{short}")


def answered_by_app1(lb):
    """Request id of a request the load balancer sent to app1 (the app returns it as X-Request-ID)."""
    for _attempt in range(20):
        output = lb.check_output(f"curl -sk --max-time 10 -D - {SITE}/ready")
        headers, body = output.split("\r\n\r\n", 1)
        if json.loads(body)["host"] == "app1":
            (request_id,) = [
                line.split(":", 1)[1].strip()
                for line in headers.splitlines()
                if line.lower().startswith("x-request-id:")
            ]
            return request_id
    pytest.fail("app1 answered none of 20 requests")


def test_an_app1_request_is_read_on_the_monitoring_host_by_its_id(host):
    request_id = answered_by_app1(host)
    mon1 = node("mon1")

    def collected():
        output = mon1.check_output(f"journalctl --directory={REMOTE} --no-pager -o json --grep {request_id}")
        return [json.loads(line) for line in output.splitlines()]

    entries = wait_for(collected, 60)
    assert entries, mon1.check_output(f"ls -l {REMOTE}")
    (entry,) = entries
    assert entry["_HOSTNAME"] == "app1"
    assert entry["_SYSTEMD_UNIT"] == "api-web.service"
    line = json.loads(entry["MESSAGE"])
    assert (line["request_id"], line["path"], line["status"]) == (request_id, "/ready", 200)


def test_each_sending_host_has_its_own_journal_file_there():
    files = node("mon1").check_output(f"ls {REMOTE}")
    for short in SENDERS:
        assert f"fastops-multinode-{short}" in files, (short, files)


def upload_status(lb, options):
    """HTTP status journal-remote gives lb1's curl, or the curl error when the TLS handshake fails."""
    run = lb.run(f"curl -sS --max-time 10 -o /dev/null -w '%{{http_code}}' --cacert {TLS}/ca.crt {options} {COLLECTOR}")
    return run.stdout if run.rc == 0 else f"curl {run.rc}: {run.stderr.strip()}"


def test_only_certificates_from_the_fleets_ca_may_upload(host):
    host.check_output(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=intruder"
        " -keyout /tmp/intruder.key -out /tmp/intruder.crt 2>/dev/null"
    )
    fleet_cert = upload_status(host, f"--cert {TLS}/host.crt --key {TLS}/host.key")
    assert not fleet_cert.startswith("curl"), fleet_cert
    assert fleet_cert not in ("401", "403"), fleet_cert
    for options in ("", "--cert /tmp/intruder.crt --key /tmp/intruder.key"):
        refused = upload_status(host, options)
        assert refused in ("401", "403") or refused.startswith("curl"), (options, refused)
