"""The whole stack as users run it: converged with site.yml from the demo inventory, then the real
playbooks (side effect), then a restart of the host. Every request goes HTTPS -> nginx -> gunicorn
-> PostgreSQL / Redis -> Celery / Dramatiq, on a host nobody re-converged since the restart."""

import json
import os
import re
import time
import uuid
from pathlib import Path

import pytest
import yaml
from polling import EVIDENCE, evidence, journal, prometheus_api, wait_for
from polling import request as http_request

SITE = "https://localhost"
STACK_UNITS = [
    "postgresql",
    "redis-server",
    "nginx",
    "demo-web.socket",
    "prometheus",
    "prometheus-alertmanager",
    "prometheus-node-exporter",
    "prometheus-postgres-exporter",
    "prometheus-redis-exporter",
    "prometheus-nginx-exporter",
    "prometheus-blackbox-exporter",
]


def request(host, method, path):
    """(status, parsed JSON or text) of one request through nginx and TLS."""
    return http_request(host, SITE + path, method)


def changed_tasks(run):
    """Names of the tasks that reported a change in a playbook run of the side effect."""
    log = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], f"playbook-{run}.log").read_text()
    return re.findall(r"^TASK \[([^\]]+)\][^\n]*\n(?:(?!TASK \[).*\n)*?changed: ", log, re.MULTILINE)


def app_journal(host):
    return journal(host, "demo-web") + journal(host, "'demo-*@*'")


@pytest.mark.parametrize("run", ["site-vvv", "deploy-vvv", "rollback-vvv"])
def test_playbooks_at_vvv_show_no_secret(host, run):
    result = evidence(host, f"playbook-{run}")
    assert result["rc"] == 0, result["tail"]
    # At -vvv even the shortest of them (rollback.yml) prints hundreds of lines; a plain run about 60.
    assert result["lines"] > 300, result
    assert result["secrets_shown"] == [], result["secrets_shown"]


def test_site_yml_on_the_converged_stack_changes_nothing(host):
    result = evidence(host, "playbook-site-vvv")
    assert result["changed"] == 0, changed_tasks("site-vvv")


def always_tagged_tasks():
    """'fastops.stack.<role> : <task>' of every task the roles tag `always` (their input checks)."""
    names = set()
    for main in Path(os.environ["MOLECULE_PROJECT_DIRECTORY"], "roles").glob("*/tasks/main.yml"):
        role = main.parent.parent.name
        for entry in yaml.safe_load(main.read_text()):
            if "always" not in entry.get("tags", []):
                continue
            imported = entry.get("ansible.builtin.import_tasks")
            tasks = yaml.safe_load((main.parent / imported).read_text()) if imported else [entry]
            names.update(f"fastops.stack.{role} : {task['name']}" for task in tasks)
    return names


def test_a_role_tag_runs_that_role_and_only_the_other_roles_input_checks(host):
    tagged = evidence(host, "playbook-site-tags-nginx")
    assert (tagged["rc"], tagged["changed"]) == (0, 0), tagged["tail"]
    full = evidence(host, "playbook-site-vvv")
    nginx = [task for task in full["tasks"] if task.startswith("fastops.stack.nginx : ")]
    assert nginx
    assert set(nginx) <= set(tagged["tasks"]), "every nginx task of a full run ran"
    others = {
        task
        for task in tagged["tasks"]
        if " : " in task
        and not task.startswith("fastops.stack.nginx : ")
        # Ansible's own argument-spec check of each role, tagged always like our input checks.
        and " : Validating arguments against arg spec " not in task
    }
    assert others, "the other roles' input checks ran too"
    assert others <= always_tagged_tasks(), sorted(others - always_tagged_tasks())


def test_deploy_ships_a_code_only_change_and_rollback_returns(host):
    releases = evidence(host, "releases")
    assert releases["deployed"] != releases["before"], releases
    assert releases["rolled_back"] == releases["before"], releases
    before, after = releases["socket_listening_since"]
    assert before == after, "the deploy restarted demo-web.socket: connections were refused meanwhile"
    assert evidence(host, "playbook-deploy-vvv")["changed"] > 0
    last = json.loads(host.file("/srv/demo/last-deploy.json").content_string)
    assert last["live_release"] == releases["before"].rsplit("/", 1)[-1], last


def test_backup_playbook_takes_fresh_verified_backups(host):
    assert evidence(host, "playbook-backup")["rc"] == 0
    asked_at = int(host.file(f"{EVIDENCE}/backup-asked-at").content_string)
    for directory in ("/var/backups/postgresql", "/var/backups/redis"):
        newest = host.check_output(f"find {directory} -type f -printf '%T@\\n' | sort -n | tail -n 1")
        assert newest, directory
        assert float(newest) >= asked_at, (directory, newest, asked_at)


def test_maintenance_playbook_switches_the_site_and_keeps_health(host):
    for run in ("maintenance-on", "maintenance-off"):
        assert evidence(host, f"playbook-{run}")["rc"] == 0, run
    statuses = evidence(host, "maintenance")
    assert statuses["during"] == [503, 200], statuses
    assert statuses["retry_after"], statuses
    assert statuses["after"] == 200, statuses


def test_every_service_came_back_enabled_after_the_restart(host):
    restarted = host.file(f"{EVIDENCE}/restarted-at").content_string.strip()
    booted = host.check_output('date -d "$(ps -o lstart= -p 1)" +%s')
    assert int(booted) >= int(restarted), (booted, restarted)
    for unit in STACK_UNITS:
        service = host.service(unit)
        assert service.is_enabled, unit
        assert service.is_running, (unit, journal(host, unit))
    processes = host.check_output("systemctl list-units --no-legend --plain 'demo-*@*.service'").splitlines()
    assert len(processes) >= 3, processes
    assert all(" active running " in line for line in processes), processes
    assert host.check_output("systemctl list-units --failed --no-legend --plain") == ""


def test_https_reaches_the_app_and_both_of_its_servers(host):
    status, body = request(host, "GET", "/health")
    assert status == 200, (body, app_journal(host))
    assert body["status"] == "healthy", body
    assert body["checks"] == {"database": "ok", "redis": "ok"}, body


def test_static_files_come_from_nginx_with_cache_headers(host):
    headers = host.check_output(f"curl -sk -D - -o /dev/null {SITE}/static/hello.txt")
    assert " 200" in headers.splitlines()[0], headers
    assert "expires:" in headers.lower(), headers
    assert "max-age=" in headers.lower(), headers


def test_celery_task_runs_through_redis_and_records_in_postgresql(host):
    status, body = request(host, "POST", "/tasks/add?x=20&y=22")
    assert status == 200, body
    task = body["task_id"]

    def done():
        state = request(host, "GET", f"/tasks/{task}")[1]
        return state if isinstance(state, dict) and state.get("done") else None

    state = wait_for(done, 90, interval=1)
    assert state, journal(host, "'demo-worker@*'")
    assert state["result"] == 42, state


def test_dramatiq_task_runs_through_redis(host):
    report = uuid.uuid4().hex
    status = request(host, "POST", f"/reports/{report}")[0]
    assert status == 200

    def done():
        state = request(host, "GET", f"/reports/{report}")[1]
        return isinstance(state, dict) and state.get("done")

    assert wait_for(done, 90, interval=1), journal(host, "'demo-reports@*'")


def test_killed_gunicorn_master_is_replaced(host):
    request(host, "GET", "/ready")
    old = host.check_output("systemctl show -P MainPID demo-web.service")
    assert old != "0"
    host.check_output(f"kill -9 {old}")
    started = time.monotonic()
    answered = wait_for(lambda: request(host, "GET", "/ready")[0] == 200, 90, interval=0.5)
    seconds = time.monotonic() - started
    new = host.check_output("systemctl show -P MainPID demo-web.service")
    assert answered, journal(host, "demo-web")
    assert new not in ("0", old), (old, new)
    print(f"app answered again {seconds:.1f} s after kill -9 of the gunicorn master")


def test_postgresql_restart_needs_no_app_restart(host):
    web = host.check_output("systemctl show -P MainPID demo-web.service")
    host.check_output("systemctl restart postgresql")
    statuses = [request(host, "GET", "/items/count")[0] for _attempt in range(20)]
    assert statuses == [200] * 20, (statuses, app_journal(host))
    assert host.check_output("systemctl show -P MainPID demo-web.service") == web


def mailed(host, alertname):
    """Mails the test's SMTP server received about the alert (molecule/stack/files/mail_sink.py)."""
    sink = host.file(f"{EVIDENCE}/mails.jsonl")
    mails = [json.loads(line) for line in sink.content_string.splitlines()] if sink.exists else []
    return [mail for mail in mails if alertname in mail["subject"]]


def test_redis_down_makes_health_name_it_and_fires_the_delivered_alert(host):
    sink = f"{EVIDENCE}/alerts.jsonl"
    seen = set()

    def redis_named_unhealthy():
        status, body = request(host, "GET", "/health")
        return (status, body) if status == 503 and body["checks"]["redis"] != "ok" else None

    def redis_down_state():
        for alert in prometheus_api(host, "/api/v1/alerts")["alerts"]:
            if alert["labels"]["alertname"] == "RedisDown":
                seen.add(alert["state"])
                return alert["state"] == "firing"
        return False

    def delivered():
        lines = host.file(sink).content_string.splitlines() if host.file(sink).exists else []
        return [
            alert
            for line in lines
            for alert in json.loads(line)["alerts"]
            if alert["labels"]["alertname"] == "RedisDown" and alert["status"] == "firing"
        ]

    host.check_output("systemctl stop redis-server")
    try:
        unhealthy = wait_for(redis_named_unhealthy, 60, interval=1)
        assert unhealthy, request(host, "GET", "/health")
        assert unhealthy[1]["checks"]["database"] == "ok", unhealthy
        assert wait_for(redis_down_state, 90, interval=1), (seen, journal(host, "prometheus"))
        assert "pending" in seen, seen
        notes = wait_for(delivered, 60)
        assert notes, journal(host, "prometheus-alertmanager")
        assert notes[0]["labels"]["severity"] == "critical"
        mails = wait_for(lambda: mailed(host, "RedisDown"), 60)
        assert mails, journal(host, "prometheus-alertmanager")
        assert mails[0]["to"] == ["oncall@stack.test"]
        assert "[FIRING:1] RedisDown" in mails[0]["subject"]
        assert "does not answer its exporter" in mails[0]["body"], "the alert's summary is in the mail"
    finally:
        host.check_output("systemctl start redis-server")
    healthy = wait_for(lambda: request(host, "GET", "/health")[0] == 200, 90, interval=1)
    assert healthy, (request(host, "GET", "/health"), app_journal(host))


def test_nginx_and_the_app_log_one_request_as_json_lines_sharing_its_request_id(host):
    path = f"/health?probe={uuid.uuid4().hex}"
    assert request(host, "GET", path)[0] == 200

    def proxied():
        lines = host.file("/var/log/nginx/demo.access.log").content_string.splitlines()
        return [json.loads(line) for line in lines if path in line]

    (proxy_line,) = wait_for(proxied, 30, interval=1)
    request_id = proxy_line["request_id"]

    def app_lines():
        output = host.check_output(f"journalctl --no-pager -o cat -u demo-web --grep {request_id}")
        return [json.loads(line) for line in output.splitlines()]

    (app_line,) = wait_for(app_lines, 30, interval=1)
    assert (app_line["logger"], app_line["path"], app_line["status"]) == ("fastops.access", "/health", 200)
    assert app_line["duration_ms"] >= 0
