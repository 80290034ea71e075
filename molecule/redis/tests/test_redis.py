"""Verify the redis role: authentication, permissions, tuning; persistence, backups and restores side_effect.yml ran."""

import re

from polling import evidence
from systemd_security import unit_exposure

ADMIN = 'REDISCLI_AUTH="$(cat /etc/redis/fastops-admin.password)" redis-cli --no-auth-warning --user fastops-admin'
APP = "REDISCLI_AUTH=app-test-password redis-cli --no-auth-warning --user app"


def admin(host, command):
    return host.check_output(f"{ADMIN} {command}")


def app(host, command):
    return host.run(f"{APP} {command}").stdout.strip()


def test_unauthenticated_client_is_refused(host):
    assert app(host, "PING") == "PONG"
    assert host.run("redis-cli PING").stdout.startswith("NOAUTH")
    # The default user keeps open rules for the AOF replay; off and without a password, nobody is it.
    for password in ("''", "nopass"):
        login = host.run(f"redis-cli --no-auth-warning --user default --pass {password} PING")
        assert "WRONGPASS" in login.stdout + login.stderr


def test_app_user_is_denied_dangerous_commands(host):
    assert app(host, "FLUSHALL").startswith("NOPERM")
    assert app(host, "CONFIG GET maxmemory").startswith("NOPERM")
    assert app(host, "KEYS '*'").startswith("NOPERM")


def test_app_user_can_run_lua_scripts(host):
    assert app(host, "EVAL \"return redis.call('INCRBY', KEYS[1], ARGV[1])\" 1 lua-probe 0").isdigit()


def test_app_user_can_block_on_lists(host):
    app(host, "DEL celery-probe")
    app(host, "RPUSH celery-probe task-1")
    assert app(host, "BLPOP celery-probe 1").splitlines() == ["celery-probe", "task-1"]


def test_app_user_can_publish_and_subscribe(host):
    # Subscribe in the background, publish once the subscription counts, read what arrived.
    host.check_output(f"(timeout 5 env {APP} SUBSCRIBE probe-channel > /tmp/subscribed 2>&1 &)")
    for _attempt in range(50):
        if app(host, "PUBSUB NUMSUB probe-channel").splitlines()[-1] == "1":
            break
        host.run("sleep 0.1")
    assert app(host, "PUBLISH probe-channel hello") == "1"
    host.run("sleep 0.3")
    assert "hello" in host.file("/tmp/subscribed").content_string


def test_disabled_and_removed_users_cannot_log_in(host):
    dormant = host.run("REDISCLI_AUTH=dormant-test-password redis-cli --no-auth-warning --user dormant PING")
    retired = host.run("REDISCLI_AUTH=retired-test-password redis-cli --no-auth-warning --user retired PING")
    assert "WRONGPASS" in dormant.stdout + dormant.stderr
    assert "WRONGPASS" in retired.stdout + retired.stderr


def test_removing_a_user_did_not_restart_the_server(host):
    before = host.file("/root/redis-run-id-before-side-effect").content_string.strip()
    assert before
    assert host.file("/root/redis-run-id-after-side-effect").content_string.strip() == before


def test_passwords_are_stored_hashed(host):
    acl = host.file("/etc/redis/users.acl")
    assert acl.mode == 0o640
    assert acl.user == "root"
    assert acl.group == "redis"
    assert "app-test-password" not in acl.content_string
    assert host.file("/etc/redis/fastops-admin.password").mode == 0o640


def test_listens_on_loopback_only(host):
    listening = host.check_output("ss -Hltn 'sport = :6379'")
    addresses = {line.split()[3].rsplit(":", 1)[0] for line in listening.splitlines()}
    assert addresses
    assert addresses <= {"127.0.0.1", "[::1]"}, addresses


def test_memory_settings_match_the_variables(host):
    assert admin(host, "CONFIG GET maxmemory-policy").splitlines()[1] == "noeviction"
    assert admin(host, "CONFIG GET maxmemory").splitlines()[1] == str(128 * 1024 * 1024)


def test_kernel_is_tuned_for_redis(host):
    assert host.sysctl("vm.overcommit_memory") == 1
    assert host.sysctl("net.core.somaxconn") == 8192
    assert "[never]" in host.file("/sys/kernel/mm/transparent_hugepage/enabled").content_string
    assert host.service("fastops-disable-thp").is_enabled


def test_data_survives_a_restart(host):
    # side_effect.yml wrote the key, then restarted Redis.
    assert app(host, "GET survives-restart") == "yes"


def test_a_scripts_writes_survive_a_restart(host):
    # The 500 keys came from one EVAL, which the AOF keeps as a MULTI/EXEC: Redis replays that as
    # the disabled default user, whose rules must not refuse it (redis/redis#14541).
    assert evidence(host, "redis-before-broken-restore")["restore_keys"] == 500
    assert "AOF-loading-client" not in host.file("/var/log/redis/redis-server.log").content_string


def test_backup_timer_is_active(host):
    assert host.service("fastops-redis-backup.timer").is_running
    assert host.service("fastops-redis-backup.timer").is_enabled


def test_backup_service_writes_a_compressed_snapshot(host):
    snapshots = host.check_output("ls /var/backups/redis").split()
    assert any(re.fullmatch(r"redis-2\d{7}T\d{6}Z\.rdb\.gz", name) for name in snapshots), snapshots
    assert host.run("gzip -t /var/backups/redis/redis-2*.rdb.gz").rc == 0
    assert host.file("/var/backups/redis").mode == 0o700


def test_backup_publishes_its_last_success(host):
    metric = host.file("/var/lib/prometheus/node-exporter/fastops_redis_backup.prom").content_string
    assert "fastops_redis_backup_last_success_timestamp_seconds" in metric


def test_an_unreadable_snapshot_stops_the_restore_while_redis_serves(host):
    result = evidence(host, "playbook-restore-broken")
    assert result["rc"] != 0
    assert "Check the snapshot with redis-check-rdb" in " ".join(result["tail"]), result["tail"]
    before = evidence(host, "redis-before-broken-restore")
    assert before["restore_keys"] == 500
    assert evidence(host, "redis-after-broken-restore") == before


def test_restore_brings_the_keys_back_into_an_emptied_redis(host):
    result = evidence(host, "playbook-restore-newest")
    assert result["rc"] == 0, result["tail"]
    assert int(admin(host, "EVAL \"return #redis.call('KEYS', 'restore:*')\" 0")) == 500
    # The emptied data set was kept aside, not overwritten.
    assert host.run("ls /var/lib/redis/dump.rdb.before-restore-*").rc == 0


def test_retention_deletes_old_snapshots(host):
    assert not host.file("/var/backups/redis/redis-20000101T000000Z.rdb.gz").exists


def test_backup_unit_is_hardened(host):
    assert unit_exposure(host, "fastops-redis-backup.service") <= 2.0
