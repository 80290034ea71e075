"""The fleet of inventories/staging converged with site.yml: traffic through the load balancer
to both app hosts, work on the right hosts, network policy proven by connections, one
Prometheus series per app host, and one Celery beat after site.yml --limit app2."""

import json
import time
import uuid

import pytest
from fleet import ADDRESS, connects, node
from polling import journal, prometheus_api, prometheus_query, wait_for
from polling import request as http_request

testinfra_hosts = ["ansible://fastops-multinode-lb1"]

EXPORTERS = {"node": 9100, "postgres": 9187, "redis": 9121, "nginx": 9113}
APP = "api"
# The site's name (its self-signed certificate's); nginx refuses TLS for names it does not serve.
SITE = "https://fastops-multinode-lb1"


def request(lb, method, path):
    """(status, parsed JSON or text) of one request through lb1's nginx and TLS, new connection each."""
    return http_request(lb, SITE + path, method)


def test_https_through_the_load_balancer_reaches_both_app_hosts(host):
    answered = set()
    for _attempt in range(40):
        status, body = request(host, "GET", "/ready")
        assert status == 200, body
        answered.add(body["host"])
        if answered == {"app1", "app2"}:
            break
    assert answered == {"app1", "app2"}


def test_health_through_the_load_balancer_reaches_database_and_redis(host):
    status, body = request(host, "GET", "/health")
    assert status == 200, body
    assert body["checks"] == {"database": "ok", "redis": "ok"}


def test_static_files_are_served_by_the_load_balancer_itself(host):
    assert host.file(f"/srv/{APP}/current/backend/static/hello.txt").is_file
    headers = host.check_output(f"curl -skI --max-time 10 {SITE}/static/hello.txt")
    assert headers.startswith("HTTP/2 200"), headers
    # nginx's own expires (30d); the app's StaticFiles sends no Cache-Control.
    assert "cache-control: max-age=2592000" in headers.lower(), headers


def test_forwarded_headers_are_trusted_from_the_load_balancer_only():
    config = node("app1").file(f"/etc/{APP}/gunicorn.conf.py").content_string
    assert f"{ADDRESS['lb1']}" in config
    assert ADDRESS["mon1"] not in config


def test_a_celery_task_enqueued_through_the_api_runs_on_worker1(host):
    status, body = request(host, "POST", "/tasks/add?x=20&y=22")
    assert status == 200, body
    task_id = body["task_id"]
    result = wait_for(lambda: request(host, "GET", f"/tasks/{task_id}")[1].get("done"), 60)
    assert result, journal(node("worker1"), f"{APP}-worker@1")
    assert task_id in journal(node("worker1"), f"{APP}-worker@1", lines=200)


def test_a_dramatiq_task_enqueued_through_the_api_runs_on_worker1(host):
    report_id = uuid.uuid4().hex
    status, body = request(host, "POST", f"/reports/{report_id}")
    assert status == 200, body
    done = wait_for(lambda: request(host, "GET", f"/reports/{report_id}")[1].get("done"), 60)
    assert done, journal(node("worker1"), f"{APP}-reports@1")


@pytest.mark.parametrize("short", ["app1", "app2"])
def test_api_hosts_run_no_background_process(short):
    units = node(short).check_output(f"systemctl list-units --all --plain --no-legend '{APP}-*@*'")
    assert units.strip() == ""


def test_the_pre_migration_backup_ran_on_the_database_host():
    db1 = node("db1")
    # Nothing else runs it during converge: its timer fires at night.
    dumps = db1.check_output(f"find /var/backups/postgresql -name '{APP}-*.pgc'")
    assert dumps.strip(), journal(db1, "fastops-postgresql-backup")
    assert "fastops-postgresql-backup" not in node("app1").check_output("systemctl list-unit-files --no-legend")


def test_pg_hba_lets_in_exactly_the_app_and_worker_hosts():
    hba = node("db1").check_output("cat /etc/postgresql/*/main/pg_hba.conf")
    for short in ["app1", "app2", "worker1"]:
        assert f"{ADDRESS[short]}/32" in hba
    for short in ["lb1", "redis1", "mon1"]:
        assert ADDRESS[short] not in hba


def test_app_connections_to_postgresql_are_encrypted(host):
    request(host, "GET", "/health")
    query = (
        "SELECT count(*) || ' ' || bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)"
        f" WHERE a.usename = '{APP}' AND a.client_addr IS NOT NULL"
    )
    count, encrypted = node("db1").check_output(f'runuser -u postgres -- psql -tAc "{query}"').split()
    assert int(count) > 0
    assert encrypted == "true"


def test_an_unencrypted_login_from_an_app_host_is_refused():
    attempt = node("app1").run(
        f"/srv/{APP}/current/.venv/bin/python -c \"import psycopg2; psycopg2.connect(host='{ADDRESS['db1']}',"
        f" dbname='{APP}', user='{APP}', password='not-needed', sslmode='disable', connect_timeout=5)\""
    )
    assert attempt.rc != 0
    assert "no pg_hba.conf entry" in attempt.stderr, attempt.stderr
    assert "no encryption" in attempt.stderr, attempt.stderr


@pytest.mark.parametrize(
    ("source", "target", "port"),
    [
        ("app1", "db1", 5432),
        ("worker1", "db1", 5432),
        ("app2", "redis1", 6379),
        ("worker1", "redis1", 6379),
        ("lb1", "app1", 8000),
        ("lb1", "app2", 8000),
        ("mon1", "app1", 8000),
    ],
)
def test_allowed_connections_open(source, target, port):
    assert connects(node(source), ADDRESS[target], port)


@pytest.mark.parametrize(
    ("source", "target", "port"),
    [
        ("lb1", "db1", 5432),
        ("lb1", "redis1", 6379),
        ("lb1", "app1", 9100),
        ("redis1", "db1", 5432),
        ("app1", "db1", 9187),
        ("worker1", "app1", 8000),
        ("app2", "mon1", 9100),
    ],
)
def test_other_connections_are_refused(source, target, port):
    assert not connects(node(source), ADDRESS[target], port)


def test_the_monitoring_host_reaches_every_exporter():
    mon1 = node("mon1")
    expected = [("node", short) for short in ADDRESS] + [("postgres", "db1"), ("redis", "redis1"), ("nginx", "lb1")]
    unreachable = [
        f"{job}@{short}"
        for job, short in expected
        if short != "mon1" and not connects(mon1, ADDRESS[short], EXPORTERS[job])
    ]
    assert unreachable == []


def test_every_prometheus_target_is_up():
    mon1 = node("mon1")

    def down():
        targets = prometheus_api(mon1, "/api/v1/targets?state=active")["activeTargets"]
        return [t for t in targets if t["health"] != "up"] if targets else ["no targets yet"]

    assert wait_for(lambda: not down(), 90, interval=5), down()


def test_each_app_host_is_its_own_series():
    mon1 = node("mon1")
    series = wait_for(lambda: prometheus_query(mon1, 'up{job="app"}'), 60)
    instances = sorted(s["metric"]["instance"] for s in series)
    assert instances == ["fastops-multinode-app1", "fastops-multinode-app2"]
    assert {s["metric"].get("site") for s in series} == {APP}


def test_site_limited_to_app2_succeeds_without_showing_a_secret():
    run = json.loads(node("app2").file("/var/tmp/fastops-test/playbook-limit-app2.json").content_string)
    assert run["rc"] == 0, run["tail"]
    assert run["secrets_shown"] == []


def test_exactly_one_celery_beat_runs_in_the_fleet():
    running = [
        short
        for short in ["app1", "app2", "worker1"]
        if node(short).run(f"systemctl is-active --quiet {APP}-beat@1").rc == 0
    ]
    assert running == ["worker1"]
    # And it schedules: the heartbeat task it sends every 5 s runs on the worker.
    time.sleep(6)
    assert "app.worker.heartbeat" in journal(node("worker1"), f"{APP}-worker@1", lines=100)
