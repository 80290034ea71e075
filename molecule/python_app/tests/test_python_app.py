"""Verify the python_app role with the demo app, PostgreSQL and Redis on one host."""

import json
import re
import shlex
import time

SOCKET = "/run/demo/web.sock"
# The test image has python3 but no curl: a tiny HTTP client over the Unix socket.
HTTP = """python3 - {method} {path} <<'PY'
import http.client, socket, sys
class C(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect("SOCKET_PATH")
c = C("localhost", timeout=10)
c.request(sys.argv[1], sys.argv[2])
r = c.getresponse()
print(r.status)
print(r.read().decode())
PY""".replace("SOCKET_PATH", SOCKET)


def request(host, path, method="GET"):
    status, body = host.check_output(HTTP.format(method=method, path=shlex.quote(path))).split("\n", 1)
    return int(status), body


def test_units_are_active_and_enabled(host):
    for unit in ["demo-web.socket", "demo-web.service", "demo-worker@1.service", "demo-beat@1.service"]:
        assert host.service(unit).is_running, host.run(f"journalctl -u {unit} -n 30 --no-pager").stdout
        assert host.service(unit).is_enabled, unit


def test_socket_is_reachable_by_the_proxy_group_only(host):
    socket_file = host.file(SOCKET)
    assert socket_file.is_socket
    assert (socket_file.user, socket_file.group, socket_file.mode) == ("root", "www-data", 0o660)


def test_env_file_holds_secrets_privately(host):
    env = host.file("/etc/demo/env")
    assert (env.user, env.group, env.mode) == ("root", "demo", 0o640)
    assert 'SYS_ENV="test"' in env.content_string
    assert "DATABASE_URL=" in env.content_string


def test_service_user_cannot_change_the_code(host):
    assert host.run("runuser -u demo -- touch /srv/demo/current/backend/app/main.py").rc != 0
    assert host.user("demo").shell == "/usr/sbin/nologin"


def test_migrations_are_at_head(host):
    revision = host.check_output("runuser -u postgres -- psql -d appdb -tAc 'SELECT version_num FROM alembic_version'")
    assert revision == "0002"


def test_health_is_healthy_through_the_socket(host):
    status, body = request(host, "/health")
    assert status == 200, body
    assert json.loads(body)["checks"] == {"database": "ok", "redis": "ok"}


def test_a_task_enqueued_through_the_api_is_executed_by_the_worker(host):
    status, body = request(host, "/tasks/add?x=2&y=3", method="POST")
    assert status == 200, body
    task_id = json.loads(body)["task_id"]
    for _attempt in range(60):
        result = json.loads(request(host, f"/tasks/{task_id}")[1])
        if result["done"]:
            break
        time.sleep(0.5)
    assert result == {"task_id": task_id, "done": True, "result": 5}


def test_beat_runs_once_and_schedules(host):
    beats = host.check_output("systemctl list-units --no-legend --state=running 'demo-beat@*' | wc -l")
    assert beats == "1"
    count = host.check_output(
        "REDISCLI_AUTH=app-redis-test-password redis-cli --no-auth-warning --user app GET demo:beat:count"
    )
    assert count.isdigit()
    assert int(count) >= 1


def test_deploy_result_is_machine_readable(host):
    result = json.loads(host.file("/srv/demo/last-deploy.json").content_string)
    current = host.file("/srv/demo/current").linked_to
    assert current.endswith(result["release"])
    assert result["health"] == "healthy"
    assert result["rolled_back"] is False


def test_web_unit_is_hardened(host):
    """Exposure of the unit as shipped (the test image's drop-ins are not read offline)."""
    report = host.check_output(
        "systemd-analyze security --offline=true /etc/systemd/system/demo-web.service 2>&1 | tail -n 1"
    )
    exposure = float(re.search(r"Overall exposure level for \S+: ([0-9.]+)", report).group(1))
    assert exposure <= 2.0, report
