"""Point-in-time recovery's groundwork (the pgbackrest role): db1 archives every WAL segment to the
encrypted repository on mon1 (group backup) and to a bucket (moto's S3 server on mon1 stands in
for one), whose backups cannot be read without the passphrase, and archiving that fails raises the
alert and recovers by itself."""

import json
import shlex

from fleet import node, psql_value
from polling import journal, prometheus_api, prometheus_query, wait_for

testinfra_hosts = ["ansible://fastops-multinode-mon1"]

REPO = "/var/lib/pgbackrest"
# Reads pgbackrest info's JSON from stdin (a wrong passphrase puts undecodable bytes in it).
STATUS = "python3 -c " + shlex.quote(
    "import json, sys; "
    "stanza = json.loads(sys.stdin.buffer.read().decode('utf-8', 'replace'), strict=False)[0]; "
    "print(stanza['status']['code'], len(stanza['backup']))"
)


def archived_segments(mon1):
    return int(mon1.check_output(f"find {REPO}/archive/main -name '0000*' -type f | wc -l"))


def write_and_switch_wal():
    """A row on db1, then the WAL segment holding it is closed: the archiver sends it."""
    psql_value("db1", "CREATE TABLE IF NOT EXISTS fastops_archive_probe (at timestamptz DEFAULT now())")
    psql_value("db1", "INSERT INTO fastops_archive_probe DEFAULT VALUES")
    psql_value("db1", "SELECT pg_switch_wal()")


def test_the_repository_holds_an_encrypted_full_backup(host):
    stanza = json.loads(host.check_output("runuser -u pgbackrest -- pgbackrest --stanza=main --output=json info"))[0]
    assert stanza["status"]["code"] == 0, stanza["status"]
    assert stanza["cipher"] == "aes-256-cbc"
    assert stanza["backup"][0]["type"] == "full"
    # On disk the repository's files are ciphertext (OpenSSL's salted format), not PostgreSQL's pages.
    assert host.check_output(f"head -c 8 {REPO}/backup/main/backup.info") == "Salted__"
    assert wait_for(lambda: prometheus_query(host, 'fastops_pgbackrest_stanza_ok{stanza="main"} == 1'), 90)


def test_a_wrong_passphrase_reads_no_backup(host):
    status = host.check_output(
        "runuser -u pgbackrest -- env PGBACKREST_REPO1_CIPHER_PASS=not-the-passphrase-0000"
        " PGBACKREST_REPO2_CIPHER_PASS=not-the-passphrase-0000"
        f" pgbackrest --stanza=main --output=json info | {STATUS}"
    )
    assert status == "99 0", status


def bucket_wal(mon1):
    """WAL segments in repository 2, the bucket, as pgBackRest lists them."""
    listing = mon1.check_output(
        "runuser -u pgbackrest -- pgbackrest --stanza=main --repo=2 repo-ls --recurse archive/main"
    )
    return len([line for line in listing.splitlines() if line.rsplit("/", 1)[-1].startswith("0000")])


def test_the_bucket_holds_encrypted_backups_and_the_wal(host):
    info = host.check_output("runuser -u pgbackrest -- pgbackrest --stanza=main --repo=2 --output=json info")
    stanza = json.loads(info)[0]
    assert [repo["status"]["code"] for repo in stanza["repo"]] == [0], stanza["repo"]
    assert stanza["repo"][0]["cipher"] == "aes-256-cbc"
    assert [backup["database"]["repo-key"] for backup in stanza["backup"]][:1] == [2], stanza["backup"]
    # What the bucket stores is ciphertext: read straight from the S3 stand-in, past pgBackRest, with
    # a request signed by the bucket's key from the host's configuration (moto refuses anonymous reads).
    conf = "/etc/pgbackrest/pgbackrest.conf"
    stored = host.check_output(
        "curl -sf --aws-sigv4 aws:amz:us-east-1:s3"
        f" --user \"$(sed -n 's/^repo2-s3-key=//p' {conf}):$(sed -n 's/^repo2-s3-key-secret=//p' {conf})\""
        " http://127.0.0.1:5000/fastops-fleet/pgbackrest/backup/main/backup.info | head -c 8"
    )
    assert stored == "Salted__"
    before = bucket_wal(host)
    write_and_switch_wal()
    assert wait_for(lambda: bucket_wal(host) > before, 60), journal(node("db1"), "postgresql@15-main")
    assert wait_for(lambda: prometheus_query(host, 'fastops_pgbackrest_backups{stanza="main",repo="2"} >= 1'), 90)


def test_the_wal_archive_grows_while_the_primary_runs(host):
    before = archived_segments(host)
    write_and_switch_wal()
    assert wait_for(lambda: archived_segments(host) > before, 60), journal(node("db1"), "postgresql@15-main")


def test_archiving_that_fails_fires_the_alert_and_recovers(host):
    def archive_alert():
        alerts = prometheus_api(host, "/api/v1/alerts")["alerts"]
        return [a for a in alerts if a["labels"]["alertname"] == "PostgresqlWalArchiveFailing"]

    host.check_output("systemctl stop fastops-pgbackrest-server")
    try:
        write_and_switch_wal()
        firing = wait_for(lambda: [a for a in archive_alert() if a["state"] == "firing"], 240, interval=5)
        assert firing, (archive_alert(), psql_value("db1", "SELECT * FROM pg_stat_archiver"))
        assert firing[0]["labels"]["instance"] == "fastops-multinode-db1"
    finally:
        host.check_output("systemctl start fastops-pgbackrest-server")
    # The archiver retries by itself (every minute after a failure): the segment arrives, the alert ends.
    recovered = "SELECT last_archived_time > last_failed_time FROM pg_stat_archiver"
    assert wait_for(lambda: psql_value("db1", recovered) == "t", 150, interval=5)
    assert wait_for(lambda: not archive_alert(), 150, interval=5), archive_alert()


def drill(mon1):
    """Start what the drill's timer starts; the run's record."""
    run = mon1.run("systemctl start fastops-pgbackrest-drill.service")
    return run, json.loads(mon1.file("/var/lib/pgbackrest-drill/last-run.json").content_string)


def test_the_restore_drill_passes_and_a_corrupted_backup_fails_it(host):
    timers = host.check_output("systemctl list-timers --no-legend fastops-pgbackrest-drill.timer")
    assert "fastops-pgbackrest-drill.service" in timers, timers
    # The setup's first backup predates the app's migrations: back up the app's tables first.
    host.check_output("systemctl start fastops-pgbackrest-backup@diff.service")
    run, record = drill(host)
    assert run.rc == 0, journal(host, "fastops-pgbackrest-drill")
    assert record["outcome"] == "success"
    assert record["tables"] >= 1, "the app's tables were restored and checked"

    victim = host.check_output(f"find {REPO}/backup/main -path '*F/pg_data/base/*' -type f -size +2k | head -1")
    host.check_output(f"cp -p {victim} /var/tmp/drill-victim")
    try:
        host.check_output(f"printf garbage-garbage-garbage | dd of={victim} bs=1 seek=100 conv=notrunc status=none")
        run, record = drill(host)
        assert run.rc != 0
        assert record["outcome"] == "failure"
        assert wait_for(
            lambda: prometheus_query(host, 'ALERTS{alertname="PgbackrestRestoreDrillFailed",alertstate="firing"}'), 60
        )
    finally:
        host.check_output(f"cp -p /var/tmp/drill-victim {victim}")
        host.check_output("systemctl reset-failed fastops-pgbackrest-drill.service")
    run, record = drill(host)
    assert (run.rc, record["outcome"]) == (0, "success")
