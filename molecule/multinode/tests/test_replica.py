"""db2, the streaming standby of db1: rows arrive within seconds, writes are refused, the app's
read-only URL reads there, the second converge did not clone it again, a stopped WAL receiver
fires the alert, a rebuild the primary refuses names its reason and leaves db2 serving, a rebuild
clones it again, and (last: it changes the fleet) promote.yml makes it the primary after db1 is
stopped, with the app writing again."""

import json
import os
import time
import uuid

from fleet import node, playbook, psql
from polling import prometheus_query, wait_for
from polling import request as http_request

# No test here takes testinfra's `host` fixture: pytest would group those together and so change
# the order, and the promotion must come last.
testinfra_hosts = ["ansible://fastops-multinode-lb1"]

APP = "api"
SITE = "https://fastops-multinode-lb1"
DB2 = "172.31.250.32"
HBA = "/etc/postgresql/15/main/pg_hba.conf"
CLONE_RECORD = "/var/lib/postgresql/fastops-standby.json"
STREAMING = "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'"


def rows_named(short, name):
    """How many rows of the app's items table on that host carry the name (as text)."""
    return psql(short, f"SELECT count(*) FROM items WHERE name = '{name}'", APP).stdout.strip()


def rebuild_standby():
    standby = os.path.join(os.path.dirname(__file__), os.pardir, "files", "standby.yml")
    return playbook(standby, "-e", "postgresql_replica_rebuild=true")


def clone_record():
    return json.loads(node("db2").file(CLONE_RECORD).content_string)


def test_a_row_written_on_the_primary_reaches_the_standby(capsys):
    name = uuid.uuid4().hex
    assert psql("db1", f"INSERT INTO items (name) VALUES ('{name}')", APP).rc == 0
    started = time.monotonic()
    seen = wait_for(lambda: rows_named("db2", name) == "1", 60)
    with capsys.disabled():  # a measured figure: into the log, passed or not
        print(f"row visible on db2 after {time.monotonic() - started:.2f} s")
    assert seen


def test_a_write_on_the_standby_is_refused():
    attempt = psql("db2", "INSERT INTO items (name) VALUES ('refused')", APP)
    assert attempt.rc != 0
    assert "read-only transaction" in attempt.stderr, attempt.stderr


def test_the_apps_read_only_url_reads_from_the_standby():
    status, body = http_request(node("lb1"), SITE + "/items/count/replica", "GET")
    assert status == 200, body
    assert body["standby"] is True, body
    assert body["server"] == DB2, body
    env = node("app1").file(f"/etc/{APP}/env").content_string
    assert f"@{DB2}:5432/{APP}" in env


def test_the_second_converge_did_not_clone_the_standby_again():
    clone = clone_record()
    assert clone["cloned_from"] == "fastops-multinode-db1"
    # Cloned by the first converge: the side effect's first run (after idempotence) is newer.
    limit_run = node("app2").file("/var/tmp/fastops-test/playbook-limit-app2.json").mtime
    cloned = time.mktime(time.strptime(clone["cloned_at"], "%Y%m%dT%H%M%SZ")) - time.timezone
    assert cloned < limit_run.timestamp()
    started = psql("db2", "SELECT extract(epoch FROM pg_postmaster_start_time())::int", "postgres").stdout
    assert int(started) < limit_run.timestamp()


def test_a_stopped_wal_receiver_fires_the_replica_alert():
    mon1 = node("mon1")
    assert psql("db2", "ALTER SYSTEM SET primary_conninfo = ''", "postgres").rc == 0
    assert psql("db2", "SELECT pg_reload_conf()", "postgres").rc == 0
    try:
        query = 'ALERTS{alertname="PostgresqlReplicaNotStreaming",alertstate="firing"}'
        firing = wait_for(lambda: prometheus_query(mon1, query), 90)
        assert firing, "no firing alert"
        assert firing[0]["metric"]["slot_name"] == "fastops_multinode_db2", firing
    finally:
        psql("db2", "ALTER SYSTEM RESET primary_conninfo", "postgres")
        psql("db2", "SELECT pg_reload_conf()", "postgres")
    assert wait_for(lambda: psql("db2", STREAMING, "postgres").stdout.strip() == "1", 30)


def test_a_rebuild_the_primary_refuses_names_its_reason_and_leaves_the_standby_serving():
    db1 = node("db1")
    before = clone_record()
    # The primary without db2's replication line, as after a wrong inventory.
    assert db1.run(rf"sed -i 's|^\(hostssl\s\+replication\s.*{DB2}/32\)|#\1|' {HBA}").rc == 0
    assert psql("db1", "SELECT pg_reload_conf()", "postgres").rc == 0
    try:
        run = rebuild_standby()
    finally:
        db1.run(rf"sed -i 's|^#\(hostssl\s\+replication\s\)|\1|' {HBA}")
        psql("db1", "SELECT pg_reload_conf()", "postgres")
    output = run.stdout + run.stderr
    assert run.returncode != 0, output[-3000:]
    assert "fastops-multinode-db2 is unchanged" in output, output[-3000:]
    assert "no pg_hba.conf entry for replication connection from host" in output, output[-3000:]
    assert "FAILED - RETRYING" not in output
    assert clone_record() == before
    assert psql("db2", "SELECT pg_is_in_recovery()", "postgres").stdout.strip() == "t"
    assert wait_for(lambda: psql("db2", STREAMING, "postgres").stdout.strip() == "1", 30)


def test_a_rebuild_clones_the_standby_again_and_keeps_the_replaced_data():
    db2 = node("db2")
    before = clone_record()
    run = rebuild_standby()
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    after = clone_record()
    assert after["cloned_at"] > before["cloned_at"], (before, after)
    assert db2.file(f"/var/lib/postgresql/15/main.replaced-{after['cloned_at']}/PG_VERSION").exists
    assert db2.file("/var/lib/postgresql/15/main/standby.signal").exists
    assert wait_for(lambda: psql("db2", STREAMING, "postgres").stdout.strip() == "1", 30)
    name = uuid.uuid4().hex
    assert psql("db1", f"INSERT INTO items (name) VALUES ('{name}')", APP).rc == 0
    assert wait_for(lambda: rows_named("db2", name) == "1", 60)


def test_promote_makes_the_standby_the_primary_and_the_app_writes_again(capsys):
    node("db1").run("systemctl stop postgresql@15-main")
    stopped = time.monotonic()
    run = playbook("playbooks/promote.yml", "-e", "fastops_promote_host=fastops-multinode-db2")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    lb1 = node("lb1")
    written = wait_for(lambda: http_request(lb1, SITE + "/items?name=after-promotion", "POST")[0] == 200, 60)
    with capsys.disabled():  # a measured figure: into the log, passed or not
        print(f"promote.yml took {time.monotonic() - stopped:.0f} s from db1's stop to the app's first write")
    assert written
    assert psql("db2", "SELECT pg_is_in_recovery()", "postgres").stdout.strip() == "f"
    assert psql("db2", "SELECT count(*) FROM items WHERE name = 'after-promotion'", APP).stdout.strip() == "1"
