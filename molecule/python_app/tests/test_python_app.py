"""Verify the python_app role with the demo app, PostgreSQL and Redis on one host."""

import json
import shlex

from polling import evidence
from systemd_security import unit_exposure

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


def redis_cli(host, command):
    return host.check_output(f"REDISCLI_AUTH=app-redis-test-password redis-cli --no-auth-warning --user app {command}")


def test_units_are_active_and_enabled(host):
    units = ["demo-web.socket", "demo-web.service", "demo-worker@1.service", "demo-beat@1.service"]
    for unit in [*units, "demo-reports@1.service"]:
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


def sql(host, query):
    return host.check_output(f"runuser -u postgres -- psql -d appdb -tAc {shlex.quote(query)}")


def database_revision(host):
    return sql(host, "SELECT version_num FROM alembic_version")


def test_migrations_are_at_the_live_release_head(host):
    # The side effect ends with a rollback that downgraded the database to the first release's head.
    assert database_revision(host) == "0002"


def test_health_is_healthy_through_the_socket(host):
    status, body = request(host, "/health")
    assert status == 200, body
    assert json.loads(body)["checks"] == {"database": "ok", "redis": "ok"}


# Celery and Dramatiq round trips through the API are the stack scenario's (HTTPS -> nginx ->
# gunicorn -> Redis -> workers -> PostgreSQL); here the pool's shape and the scheduler.
def test_dramatiq_pool_has_its_processes_threads_and_queue(host):
    command = host.check_output("systemctl show -p ExecStart --value demo-reports@1.service")
    assert "--processes 1 --threads 2 --queues standard_tasks ;" in command, command


def test_a_process_removed_from_the_variables_leaves_the_host(host):
    assert redis_cli(host, "GET demo:ticker:last"), "the command process ran after converge"
    assert not host.file("/etc/systemd/system/demo-ticker@.service").exists
    assert not host.service("demo-ticker@1.service").is_running
    assert not host.file("/etc/systemd/system/multi-user.target.wants/demo-ticker@1.service").exists


def test_beat_runs_once_and_schedules(host):
    beats = host.check_output("systemctl list-units --no-legend --state=running 'demo-beat@*' | wc -l")
    assert beats == "1"
    count = redis_cli(host, "GET demo:beat:count")
    assert count.isdigit()
    assert int(count) >= 1


def test_deploy_result_is_machine_readable(host):
    result = json.loads(host.file("/srv/demo/last-deploy.json").content_string)
    current = host.file("/srv/demo/current").linked_to
    assert current.endswith(result["release"])
    assert result["health"] == "healthy"
    assert set(result) >= {"release", "previous_release", "migrated_from", "migrated_to", "rolled_back"}


def test_a_redeploy_under_load_drops_no_request(host):
    load = evidence(host, "zero-downtime")
    print(load)  # requests, failures and the deploy's wall time, for the record
    assert load["failures"] == 0, load["errors"]
    assert load["requests"] >= 2000
    assert load["concurrency"] >= 8
    assert len(load["releases"]) == 2, "both the old and the new release answered during the load"


def test_second_release_was_installed_from_uv_lock(host):
    release = evidence(host, "second-release")["deploy"]["release"]
    assert "uv = " in host.file(f"/srv/demo/releases/{release}/.venv/pyvenv.cfg").content_string


def test_second_release_migrated_after_a_backup(host):
    second = evidence(host, "second-release")
    assert (second["deploy"]["migrated_from"], second["deploy"]["migrated_to"]) == ("0002", "0003")
    assert len(second["new_backups"]) == 1
    tables = host.check_output(f"pg_restore --list {second['new_backups'][0]}")
    assert "TABLE public task_runs" in tables
    assert "TABLE public notes" not in tables, "the backup was taken before the migration"


def test_old_releases_are_pruned(host):
    releases = host.check_output("ls /srv/demo/releases").split()
    assert len(releases) == 2
    assert "20000101T000000Z-old" not in releases


def test_a_post_migrate_hook_ran_in_the_release_with_its_environment(host):
    assert sql(host, "SELECT count(*) FROM items WHERE name = 'welcome'") == "1"


def test_a_failing_hook_stops_the_deploy_before_the_switch(host):
    """That release came from a git repository: it was fetched and built before its hook ran."""
    assert host.file("/srv/demo/shared/repository/HEAD").exists
    failed = evidence(host, "failed-hook")
    assert failed["failed"] is True
    assert "pre-migrate hook" in failed["msg"]
    assert "failed with exit code 3: cannot reach the payment provider" in failed["msg"]
    assert "did not go live" in failed["msg"]
    assert (failed["result"]["health"], failed["result"]["rolled_back"]) == ("not checked", False)
    assert failed["result"]["release"] not in host.check_output("ls /srv/demo/releases")


def test_rollback_below_the_database_revision_needs_a_downgrade(host):
    refused = evidence(host, "refused-rollback")
    assert refused["failed"] is True
    assert "the database is at 0003" in refused["msg"]
    assert "python_app_rollback_downgrade=true" in refused["msg"]


def test_rollback_with_downgrade_serves_the_first_release(host):
    rollback = evidence(host, "rollback")
    assert (rollback["migrated_from"], rollback["migrated_to"]) == ("0003", "0002")
    assert host.file("/srv/demo/current").linked_to.endswith(rollback["release"])
    status, body = request(host, "/health")
    assert status == 200
    assert json.loads(body)["release"] == rollback["release"]


def test_web_unit_is_hardened(host):
    assert unit_exposure(host, "demo-web.service") <= 2.0


def test_a_number_in_python_app_env_reaches_the_env_file_as_text(host):
    assert 'REPORTS_PAGE_SIZE="50"' in host.file("/etc/demo/env").content_string
