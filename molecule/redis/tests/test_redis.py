"""Verify the redis role: authentication, permissions, tuning, persistence, backup, restore."""

import json
import os
import re
import subprocess

import pytest
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
    assert re.search(r"run_id:(\w+)", admin(host, "INFO server")).group(1) == before


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
    app(host, "SET survives-restart yes")
    host.check_output("systemctl restart redis-server")
    assert app(host, "GET survives-restart") == "yes"


def test_backup_timer_is_active(host):
    assert host.service("fastops-redis-backup.timer").is_running
    assert host.service("fastops-redis-backup.timer").is_enabled


@pytest.fixture(scope="module")
def backed_up(host):
    """500 keys written, then a backup through the service the timer runs."""
    host.check_output(f"{ADMIN} EVAL \"for i = 1, 500 do redis.call('SET', 'restore:' .. i, i) end\" 0")
    host.check_output("systemctl start fastops-redis-backup.service")
    return host


def test_backup_service_writes_a_compressed_snapshot(backed_up):
    host = backed_up
    snapshots = host.check_output("ls /var/backups/redis").split()
    assert any(re.fullmatch(r"redis-\d{8}T\d{6}Z\.rdb\.gz", name) for name in snapshots), snapshots
    assert host.run("gzip -t /var/backups/redis/redis-*.rdb.gz").rc == 0
    assert host.file("/var/backups/redis").mode == 0o700


def test_backup_publishes_its_last_success(backed_up):
    metric = backed_up.file("/var/lib/prometheus/node-exporter/fastops_redis_backup.prom").content_string
    assert "fastops_redis_backup_last_success_timestamp_seconds" in metric


def count_restore_keys(host):
    return int(admin(host, "EVAL \"return #redis.call('KEYS', 'restore:*')\" 0"))


def restore_redis(**variables):
    root = os.environ["MOLECULE_PROJECT_DIRECTORY"]
    return subprocess.run(
        [
            "ansible-playbook",
            "-i",
            os.environ["MOLECULE_INVENTORY_FILE"],
            os.path.join(root, "playbooks", "restore-redis.yml"),
            "-e",
            json.dumps({"restore_hosts": "all", **variables}),
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(root, "collections")),
        timeout=300,
        check=False,
    )


def test_an_unreadable_snapshot_stops_the_restore_while_redis_serves(backed_up):
    host = backed_up
    pid = admin(host, "INFO server").split("process_id:")[1].split()[0]
    host.check_output("head -c 4096 /dev/urandom | gzip > /var/backups/redis/broken.rdb.gz")
    result = restore_redis(restore_file="/var/backups/redis/broken.rdb.gz")
    assert result.returncode != 0
    assert "Check the snapshot with redis-check-rdb" in result.stdout, result.stdout[-3000:]
    assert admin(host, "INFO server").split("process_id:")[1].split()[0] == pid
    assert count_restore_keys(host) == 500


def test_restore_brings_the_keys_back_into_an_emptied_redis(backed_up):
    host = backed_up
    admin(host, "FLUSHALL")
    assert count_restore_keys(host) == 0
    result = restore_redis()
    assert result.returncode == 0, result.stdout + result.stderr
    assert count_restore_keys(host) == 500
    # The emptied data set was kept aside, not overwritten.
    assert host.run("ls /var/lib/redis/dump.rdb.before-restore-*").rc == 0


def test_retention_deletes_old_snapshots(backed_up):
    host = backed_up
    old = "/var/backups/redis/redis-20000101T000000Z.rdb.gz"
    newest = host.check_output("ls /var/backups/redis/redis-2*.rdb.gz | tail -n 1")
    host.check_output(f"cp {newest} {old} && touch -d '10 days ago' {old}")
    host.check_output("systemctl start fastops-redis-backup.service")
    assert not host.file(old).exists


def test_backup_unit_is_hardened(host):
    assert unit_exposure(host, "fastops-redis-backup.service") <= 2.0
