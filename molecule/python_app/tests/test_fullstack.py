"""The python_app role with an app shaped the way its authors publish it (tests/apps/fullstack)."""

import json
import os
import shlex
from pathlib import Path

from polling import wait_for

SOCKET = "/run/fullstack/web.sock"
HEALTH = "/api/v1/utils/health-check/"
PASSWORD = "fullstack-db-pass-8d1c"
HTTP = """python3 - {path} <<'PY'
import http.client, socket, sys
class C(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect("SOCKET_PATH")
c = C("localhost", timeout=10)
c.request("GET", sys.argv[1])
r = c.getresponse()
print(r.status)
print(r.read().decode())
PY""".replace("SOCKET_PATH", SOCKET)


def get(host, path):
    status, body = host.check_output(HTTP.format(path=shlex.quote(path))).split("\n", 1)
    return int(status), json.loads(body)


def attempt(host, name):
    """What a side-effect deploy attempt saw (molecule/python_app/side_effect.yml)."""
    return json.loads(host.file(f"/var/tmp/fastops-test/fullstack-{name}.json").content_string)


def live_release(host):
    return host.file("/srv/fullstack/current").linked_to.rsplit("/", 1)[1]


def test_the_app_answers_its_bare_true_health_check(host):
    assert get(host, HEALTH) == (200, True)


def test_database_settings_come_as_the_parts_the_app_reads(host):
    env = host.file("/etc/fullstack/env").content_string
    for line in (
        'POSTGRES_SERVER="127.0.0.1"',
        'POSTGRES_PORT="5432"',
        'POSTGRES_USER="fullstack"',
        'POSTGRES_DB="fullstack"',
        f'POSTGRES_PASSWORD="{PASSWORD}"',
    ):
        assert line in env
    assert "DATABASE_URL" not in env
    assert "REDIS_URL" not in env


def test_the_seed_script_ran_through_those_settings(host):
    assert get(host, "/api/v1/utils/items-count/") == (200, 1)


def test_the_role_added_the_server_the_app_does_not_declare(host):
    marker = json.loads(host.file("/srv/fullstack/current/.fastops-release.json").content_string)
    assert marker["web_server"] == "uvicorn"
    assert marker["packages"]["uvicorn"] == "0.54.0"
    lock = host.file("/srv/fullstack/current/uv.lock").content_string
    assert 'name = "gunicorn"' not in lock, "the app itself declares no server"
    assert 'name = "uvicorn"' not in lock


def test_uvicorn_serves_on_the_systemd_socket(host):
    command = host.check_output("systemctl show -p ExecStart --value fullstack-web.service")
    assert "/srv/fullstack/current/.venv/bin/uvicorn --fd 3 --workers 2" in command
    assert not host.file("/etc/fullstack/gunicorn.conf.py").exists


def test_a_wrong_module_path_fails_before_the_switch_naming_it(host):
    failed = attempt(host, "wrong-module")
    assert failed["failed"] is True
    assert "(build failed)" in failed["msg"]
    assert "app.mian:app does not import: ModuleNotFoundError: No module named 'app.mian'" in failed["msg"]
    record = failed["record"]
    assert (record["failed_stage"], record["health"], record["rolled_back"]) == ("build", "not checked", False)
    assert record["live_release"] == record["previous_release"]
    assert record["release"] not in host.check_output("ls /srv/fullstack/releases")


def test_an_unreachable_database_is_recorded_and_changes_nothing(host):
    failed = attempt(host, "no-database")
    assert failed["failed"] is True
    record = failed["record"]
    assert record["failed_stage"] == "migration check"
    assert "database unreachable" in record["error"]
    assert record["live_release"] == record["previous_release"]
    assert PASSWORD not in json.dumps(failed)


def test_a_release_whose_startup_fails_is_rolled_back_within_seconds(host):
    failed = attempt(host, "startup-fails")
    print(failed["record"])  # how long the health check took to give up, for the record
    assert failed["failed"] is True
    record = failed["record"]
    assert (record["failed_stage"], record["rolled_back"]) == ("health check", True)
    assert record["check_seconds"] < 15
    assert "fullstack-web.service" in failed["msg"]
    assert "cannot reach the search cluster at startup" in failed["msg"], "the journal tail is in the message"
    assert f"rolled back to {record['previous_release']}" in failed["msg"]


def tasks_showing(secret):
    """Names of the tasks whose -vvv output holds the secret (the log stays on the controller)."""
    log = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "sources" / "deploy-vvv.log"
    task, found = None, []
    for line in log.read_text().splitlines():
        if line.startswith("TASK ["):
            task = line
        if secret in line and task not in found:
            found.append(task)
    return found


def test_the_real_deploy_playbook_at_vvv_shows_no_secret(host):
    run = attempt(host, "deploy-vvv")
    assert run["rc"] == 0, "\n".join(run["tail"])
    assert run["lines"] > 1000, "the run was verbose"
    assert run["secrets_shown"] == [], tasks_showing(PASSWORD)
    record = json.loads(host.file("/srv/fullstack/last-deploy.json").content_string)
    assert (record["live_release"], record["web_server"], record["health"]) == (
        live_release(host),
        "uvicorn",
        "healthy",
    )


def test_the_migrations_ran_through_the_mapped_settings(host):
    revision = host.check_output(
        "runuser -u postgres -- psql -d fullstack -tAc 'SELECT version_num FROM alembic_version'"
    )
    assert revision == "1a31ce608336"


def test_a_worker_the_app_cannot_run_is_refused_before_any_unit_changes(host):
    refused = json.loads(host.file("/var/tmp/fastops-test/fullstack-missing-celery.json").content_string)
    assert (
        "the release has no celery in its virtualenv: add the package celery to the app's dependencies"
        in (refused["msg"])
    )
    assert "app.worker does not import: ModuleNotFoundError: No module named 'app.worker'" in refused["msg"]
    assert not host.file("/etc/systemd/system/fullstack-worker@.service").exists


def test_the_sentry_dsn_reaches_the_app_only_through_the_secret_env_file(host):
    env = host.file("/etc/fullstack/env")
    assert 'SENTRY_DSN="https://fullstack-sentry-key-5e1f@o1.ingest.sentry.example.com/42"' in env.content_string
    assert (env.mode, env.group) == (0o640, "fullstack")


def web_log(host):
    """The JSON lines the running web service wrote (this start of it only)."""
    invocation = host.check_output("systemctl show -p InvocationID --value fullstack-web.service")
    output = host.check_output(f"journalctl --no-pager -o cat _SYSTEMD_INVOCATION_ID={invocation}")
    return [json.loads(line) for line in output.splitlines()]


def test_uvicorn_writes_json_lines_with_the_request_id_of_each_request(host):
    command = host.check_output("systemctl show -p ExecStart --value fullstack-web.service")
    assert "--log-config /etc/fullstack/logging.json --no-access-log fastops_json_log:app" in command
    with_id = 'c.request("GET", sys.argv[1], headers={"X-Request-ID": "req-7f3a"})'
    host.check_output(HTTP.format(path=HEALTH).replace('c.request("GET", sys.argv[1])', with_id))
    lines = wait_for(lambda: [entry for entry in web_log(host) if entry.get("request_id") == "req-7f3a"], 60)
    (access,) = lines
    assert (access["logger"], access["method"], access["path"], access["status"]) == (
        "fastops.access",
        "GET",
        HEALTH,
        200,
    )
    assert access["duration_ms"] >= 0
    assert any(entry["logger"].startswith("uvicorn") for entry in web_log(host)), "the server's own lines are JSON too"
