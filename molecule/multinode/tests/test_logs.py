"""The fleet's journals on the monitoring host (the journal role): a request's JSON line from app1 is
found on mon1 by its request id, every host has its file there, and only the fleet may upload."""

import json
import socket

import pytest
from fleet import ADDRESS, connects, node
from polling import wait_for

testinfra_hosts = ["ansible://fastops-multinode-lb1"]

SITE = "https://fastops-multinode-lb1"
REMOTE = "/var/log/journal/remote"
SENDERS = [short for short in ADDRESS if short != "mon1"]


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
        # journalctl exits 1 while nothing matches yet.
        output = mon1.run(f"journalctl --directory={REMOTE} --no-pager -o json --grep {request_id}").stdout
        return [json.loads(line) for line in output.splitlines()]

    entries = wait_for(collected, 60)
    assert entries, mon1.check_output(f"ls -l {REMOTE}")
    (entry,) = entries
    assert entry["_HOSTNAME"] == "app1"
    assert entry["_SYSTEMD_UNIT"] == "api-web.service"
    line = json.loads(entry["MESSAGE"])
    assert (line["request_id"], line["path"], line["status"]) == (request_id, "/ready", 200)


def test_each_sending_host_has_its_own_journal_file_there():
    files = node("mon1").check_output(f"ls {REMOTE}").split()
    for short in SENDERS:
        assert f"remote-{ADDRESS[short]}.journal" in files, (short, files)


def test_the_collector_takes_uploads_from_the_fleet_only():
    # Debian's journal-remote cannot check client certificates; the firewall is what decides.
    assert connects(node("app1"), ADDRESS["mon1"], 19532)
    outside = socket.socket()
    outside.settimeout(3)
    try:
        # This machine (the Docker host) is on the network but not in the fleet.
        assert outside.connect_ex((ADDRESS["mon1"], 19532)) != 0
    finally:
        outside.close()
