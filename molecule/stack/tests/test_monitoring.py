"""The monitoring role in the whole stack (converged with site.yml, restarted since): every target
up, rules as data, validated reloads, loopback only. The Redis-down alert is in test_stack.py."""

import json
import time

import pytest
from polling import prometheus_api as api, prometheus_query as query, wait_for

EXPECTED_JOBS = {"node", "postgres", "redis", "nginx", "blackbox", "app", "prometheus", "alertmanager"}
EXPORTER_PORTS = {9100, 9187, 9121, 9113, 9115, 9090, 9093}


@pytest.fixture(scope="module")
def targets(host):
    def all_up():
        active = api(host, "/api/v1/targets?state=active")["activeTargets"]
        return active if active and all(t["health"] == "up" for t in active) else None

    return wait_for(all_up, 60) or api(host, "/api/v1/targets?state=active")["activeTargets"]


@pytest.fixture(scope="module")
def rule_names(host):
    groups = api(host, "/api/v1/rules")["groups"]
    return {rule["name"] for group in groups for rule in group["rules"]}


def test_every_expected_target_is_up(host, targets):
    down = [(t["labels"]["job"], t["scrapeUrl"], t["lastError"]) for t in targets if t["health"] != "up"]
    assert not down, down
    assert {t["labels"]["job"] for t in targets} == EXPECTED_JOBS


def test_exporters_reach_their_services(host, targets):
    for metric in ("pg_up", "redis_up", "nginx_up", "probe_success"):
        result = query(host, metric)
        assert result, metric
        assert all(r["value"][1] == "1" for r in result), (metric, result)


def test_the_exporter_logins_are_least_privilege(host):
    member = host.check_output(
        "runuser -u postgres -- psql -Atc \"SELECT string_agg(b.rolname, ',') FROM pg_auth_members m"
        " JOIN pg_roles r ON r.oid = m.member JOIN pg_roles b ON b.oid = m.roleid"
        " WHERE r.rolname = 'fastops_monitoring'\""
    )
    assert member == "pg_monitor"
    superuser = host.check_output(
        "runuser -u postgres -- psql -Atc \"SELECT rolsuper FROM pg_roles WHERE rolname = 'fastops_monitoring'\""
    )
    assert superuser == "f"
    acl = host.check_output("grep '^user fastops-monitoring ' /etc/redis/users.acl")
    assert "-@all" in acl
    assert "+@all" not in acl


def test_queue_lengths_are_exported(host, targets):
    # The app's workers would take these entries at once and its beat add more: stop them meanwhile.
    listed = host.check_output("systemctl list-units --plain --no-legend 'demo-*@*'")
    consumers = " ".join(line.split()[0] for line in listed.splitlines())
    assert consumers, listed
    cli = "REDISCLI_AUTH=$(cat /etc/redis/fastops-admin.password) redis-cli --user fastops-admin"
    host.check_output(f"systemctl stop {consumers}")
    try:
        # Start from empty queues: a task the beat sent while the workers stopped may still wait there.
        host.check_output(f"{cli} DEL celery dramatiq:standard_tasks")
        host.check_output(f"{cli} RPUSH celery a b")
        host.check_output(f"{cli} RPUSH dramatiq:standard_tasks a b c")

        def lengths():
            found = {r["metric"]["key"]: r["value"][1] for r in query(host, "redis_key_size")}
            return found if found.get("dramatiq:standard_tasks") == "3" else None

        found = wait_for(lengths, 90)
        assert found, query(host, "redis_key_size")
        assert found["celery"] == "2"
    finally:
        host.check_output(f"{cli} DEL celery dramatiq:standard_tasks")
        host.check_output(f"systemctl start {consumers}")


def test_blackbox_sees_status_and_certificate_expiry(host, targets):
    url = "https://localhost/health"
    status = query(host, f'probe_http_status_code{{instance="{url}"}}')
    assert status, url
    assert status[0]["value"][1] == "200", status
    expiry = query(host, f'probe_ssl_earliest_cert_expiry{{instance="{url}"}} - time()')
    assert expiry, url
    assert float(expiry[0]["value"][1]) > 14 * 86400, expiry


def test_app_metrics_are_scraped_but_not_public(host, targets):
    assert query(host, 'http_requests_total{job="app",site="demo"}')
    public = host.check_output("curl -sk -o /dev/null -w '%{http_code}' https://localhost/metrics")
    assert public == "404"
    private = host.check_output("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8089/metrics/demo")
    assert private == "200"


def test_backup_markers_reach_prometheus(host, targets):
    for metric in (
        "fastops_postgresql_backup_last_success_timestamp_seconds",
        "fastops_redis_backup_last_success_timestamp_seconds",
    ):
        result = wait_for(lambda m=metric: query(host, m), 90)
        assert result, metric
        assert time.time() - float(result[0]["value"][1]) < 3600, (metric, result)


def test_systemd_restart_counts_are_collected(host, targets):
    assert query(host, 'node_systemd_service_restart_total{name="nginx.service"}')


def test_shipped_rules_load_with_overrides(host, rule_names):
    shipped = {
        "InstanceDown",
        "HostHighCpu",
        "HostHighMemory",
        "HostDiskFull",
        "PostgresqlTooManyConnections",
        "RedisMemoryNearMax",
        "TaskQueueBacklog",
        "AppHighErrorRate",
        "AppSlowResponses",
        "ProbeFailing",
        "CertificateExpiringSoon",
        "PostgresqlBackupTooOld",
        "RedisBackupTooOld",
        "SystemdUnitRestarting",
        "RedisDown",
    }
    assert shipped <= rule_names, shipped - rule_names
    groups = api(host, "/api/v1/rules")["groups"]
    redis_down = next(r for g in groups for r in g["rules"] if r["name"] == "RedisDown")
    assert redis_down["duration"] == 10, redis_down
    assert redis_down["labels"]["severity"] == "critical"


def test_shipped_rules_fire_on_their_thresholds(host):
    # Synthetic series against the deployed rules file: thresholds, labels and summaries.
    result = host.run("promtool test rules /var/tmp/fastops-test/rules_test.yml")
    assert result.rc == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


def test_removed_and_disabled_rules_leave_the_host(host, rule_names):
    assert "FastopsTestRule" not in rule_names
    assert "HostDiskFillsIn24h" not in rule_names
    assert "LeftOver" not in rule_names
    assert not host.file("/etc/prometheus/rules.d/fastops/left-over.yml").exists


def test_exporter_of_a_left_group_stops_and_its_job_goes(host):
    retired = json.loads(host.file("/var/tmp/fastops-test/nginx-exporter-retired.json").content_string)
    # On Debian 12 the stopped exporter's unit ends "failed", which service_facts reports instead of "disabled".
    assert retired["service"]["state"] in {"stopped", "inactive"}, retired
    assert retired["service"]["status"] in {"disabled", "failed"}, retired
    assert "nginx" not in retired["jobs"], retired
    assert "node" in retired["jobs"], retired


def test_removed_target_leaves_prometheus(host, targets):
    assert not [t for t in targets if t["labels"].get("instance") == "standin-9001"]


def test_broken_rule_fails_at_promtool_and_old_rules_stay(host, rule_names):
    failure = json.loads(host.file("/var/tmp/fastops-test/broken-rule.json").content_string)
    assert failure["task"] == "Write the alert rules", failure
    assert "failed to validate" in failure["message"], failure
    assert "BrokenRule" not in host.file("/etc/prometheus/rules.d/fastops/fastops.yml").content_string
    assert "BrokenRule" not in rule_names
    assert "RedisDown" in rule_names
    health = {r["health"] for g in api(host, "/api/v1/rules")["groups"] for r in g["rules"]}
    assert health <= {"ok", "unknown"}, health


def test_exporters_listen_on_loopback_only(host):
    listeners = host.check_output("ss -ltnH").splitlines()
    ours = {}
    for line in listeners:
        address, port = line.split()[3].rsplit(":", 1)
        if int(port) in EXPORTER_PORTS | {9094}:
            ours.setdefault(int(port), set()).add(address)
    assert set(ours) == EXPORTER_PORTS, ours
    assert all(addresses == {"127.0.0.1"} for addresses in ours.values()), ours


def test_credential_files_are_private(host):
    redis = host.file("/etc/default/prometheus-redis-exporter")
    assert redis.user == "root"
    assert redis.mode == 0o600
    # Debian's postinst sets these on every upgrade; the role keeps them.
    postgres = host.file("/etc/default/prometheus-postgres-exporter")
    assert postgres.user == "prometheus"
    assert postgres.mode == 0o640
    alertmanager = host.file("/etc/prometheus/alertmanager.yml")
    assert alertmanager.group == "prometheus"
    assert alertmanager.mode == 0o640
