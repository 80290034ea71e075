"""Verify the postgresql role: access rules, settings, least privilege; backups and restores side_effect.yml ran."""

import re
import shlex

from polling import evidence
from systemd_security import unit_exposure

APP = "PGPASSWORD=app-test-password psql -h 127.0.0.1 -U app -d appdb -tAc"
READER = "PGPASSWORD=reporting-test-password psql -h 127.0.0.1 -U reporting -d appdb -tAc"


def superuser(host, sql, db="appdb"):
    return host.check_output(f"runuser -u postgres -- psql -d {db} -tAc {shlex.quote(sql)}")


def test_app_role_logs_in_over_tcp_with_its_password(host):
    assert host.check_output(f"{APP} 'SELECT current_user'") == "app"


def test_wrong_password_is_rejected(host):
    result = host.run("PGPASSWORD=wrong psql -h 127.0.0.1 -U app -d appdb -tAc 'SELECT 1'")
    assert result.rc != 0
    assert "password authentication failed" in result.stderr


def test_unlisted_user_or_database_is_rejected(host):
    superuser(host, "DO $$ BEGIN CREATE ROLE intruder LOGIN PASSWORD 'x'; EXCEPTION WHEN duplicate_object THEN END $$")
    result = host.run("PGPASSWORD=x psql -h 127.0.0.1 -U intruder -d appdb -tAc 'SELECT 1'")
    assert result.rc != 0
    assert "no pg_hba.conf entry" in result.stderr
    result = host.run("PGPASSWORD=app-test-password psql -h 127.0.0.1 -U app -d postgres -tAc 'SELECT 1'")
    assert "no pg_hba.conf entry" in result.stderr


def test_app_role_is_least_privilege(host):
    flags = host.check_output(
        f"{APP} \"SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'app'\""
    )
    assert flags == "f|f|f"
    assert "permission denied" in host.run(f"{APP} 'CREATE ROLE sneaky'").stderr
    assert "permission denied" in host.run(f"{APP} 'CREATE DATABASE sneaky'").stderr


def test_app_role_owns_its_database_and_schema(host):
    assert superuser(host, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'appdb'") == "app"
    assert superuser(host, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'") == "app"


def test_reader_can_select_but_not_write(host):
    host.check_output(f"{APP} 'CREATE TABLE IF NOT EXISTS reader_probe (id int)'")
    assert host.check_output(f"{READER} 'SELECT count(*) FROM reader_probe'").isdigit()
    assert "permission denied" in host.run(f"{READER} 'INSERT INTO reader_probe VALUES (1)'").stderr


def test_listens_on_loopback_only(host):
    listening = host.check_output("ss -Hltn 'sport = :5432'")
    addresses = {line.split()[3].rsplit(":", 1)[0] for line in listening.splitlines()}
    assert addresses <= {"127.0.0.1", "[::1]"}, addresses


def test_settings_took_effect(host):
    memtotal_mb = int(host.check_output("awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo"))
    shared_buffers = superuser(host, "SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'")
    assert int(shared_buffers) == memtotal_mb // 4
    assert superuser(host, "SHOW password_encryption") == "scram-sha-256"
    assert superuser(host, "SHOW random_page_cost") == "1.2"  # as changed by side_effect.yml
    assert superuser(host, "SHOW log_min_duration_statement") == "500ms"
    assert superuser(host, "SELECT count(*) FROM pg_settings WHERE pending_restart") == "0"


def test_reload_only_change_did_not_restart_the_server(host):
    before = host.file("/root/postmaster-start-before-side-effect").content_string.strip()
    assert host.file("/root/postmaster-start-after-reload").content_string.strip() == before


def test_a_setting_left_pending_by_the_reload_gets_its_restart(host):
    after_reload = host.file("/root/postmaster-start-after-reload").content_string.strip()
    assert superuser(host, "SHOW max_locks_per_transaction") == "128"  # set by side_effect.yml
    assert superuser(host, "SELECT pg_postmaster_start_time()") != after_reload


def test_pg_stat_statements_is_installed_and_loaded(host):
    assert superuser(host, "SELECT count(*) >= 0 FROM pg_stat_statements") == "t"


def test_backup_timer_is_active(host):
    assert host.service("fastops-postgresql-backup.timer").is_running
    assert host.service("fastops-postgresql-backup.timer").is_enabled


def test_backup_dir_is_private(host):
    directory = host.file("/var/backups/postgresql")
    assert directory.user == "postgres"
    assert directory.mode == 0o700


def test_backup_service_writes_verified_dumps_and_roles(host):
    dumps = host.check_output("ls /var/backups/postgresql").split()
    assert any(name.startswith("appdb-2") and name.endswith(".pgc") for name in dumps), dumps
    assert any(name.startswith("globals-") for name in dumps), dumps
    newest = host.check_output("ls /var/backups/postgresql/appdb-2*.pgc | tail -n 1")
    assert host.run(f"runuser -u postgres -- pg_restore --list {newest}").rc == 0
    roles = host.check_output("cat /var/backups/postgresql/globals-*.sql")
    assert "CREATE ROLE app" in roles


def test_backup_publishes_its_last_success(host):
    metric = host.file("/var/lib/prometheus/node-exporter/fastops_postgresql_backup.prom").content_string
    assert "fastops_postgresql_backup_last_success_timestamp_seconds" in metric


def test_restore_into_a_fresh_database_keeps_every_row(host):
    result = evidence(host, "playbook-restore-fresh")
    assert result["rc"] == 0, result["tail"]
    assert result["secrets_shown"] == []
    restored_db = APP.replace("-d appdb", "-d restored")
    restored = host.check_output(f"{restored_db} 'SELECT count(*), sum(total) FROM orders'")
    assert restored == "1234|761995"
    assert host.check_output(f"{APP} 'SELECT count(*), sum(total) FROM orders'") == restored


def test_restore_refuses_to_overwrite_a_database_with_data(host):
    result = evidence(host, "playbook-restore-over-data")
    assert result["rc"] != 0
    output = " ".join(" ".join(result["tail"]).split())
    assert re.search(r"appdb already has [1-9][0-9]* tables; nothing was changed", output), output
    assert "restore_force=true" in output
    assert host.check_output(f"{APP} 'SELECT count(*) FROM orders'") == "1234"


def test_retention_deletes_old_dumps(host):
    assert not host.file("/var/backups/postgresql/appdb-20000101T000000Z.pgc").exists


def test_backup_unit_is_hardened(host):
    assert unit_exposure(host, "fastops-postgresql-backup.service") <= 2.0
