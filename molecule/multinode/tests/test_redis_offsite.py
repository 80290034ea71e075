"""Off-host Redis snapshots: redis1's backup service encrypts each snapshot with age and uploads it
over SSH to mon1 (group backup), where redis1's key may only write into its own directory. A key
backed up and then lost comes back from mon1's copy with playbooks/restore-redis.yml; a wrong
identity stops the restore before Redis is touched."""

import json

from fleet import ADDRESS, fleet_host, playbook

testinfra_hosts = ["ansible://fastops-multinode-redis1"]

COPIES = "/var/backups/offsite/redis/fastops-multinode-redis1"
KEY = "/var/lib/fastops/offsite/redis/id_ed25519"
SSH = (
    f"ssh -i {KEY} -o IdentitiesOnly=yes -o BatchMode=yes "
    "-o UserKnownHostsFile=/etc/fastops/offsite/redis.known_hosts -o StrictHostKeyChecking=yes"
)
# Another age identity than staging's vault holds: it decrypts nothing of this fleet.
WRONG_IDENTITY = "AGE-SECRET-KEY-1E845ZHQVK0RX33Z3F84HT32SXF83442TJ7HCY5N8R4YH9RWR5ESSVJ25MN"


def redis(host, command):
    return host.check_output(
        'REDISCLI_AUTH="$(cat /etc/redis/fastops-admin.password)" '
        f"redis-cli --no-auth-warning --user fastops-admin {command}"
    )


def newest_copy():
    return fleet_host("fastops-multinode-mon1").check_output(f"ls -1 {COPIES}/redis-*.rdb.gz.age | sort | tail -n 1")


def test_each_snapshot_reaches_the_backup_host_encrypted(host):
    redis(host, "SET offsite:probe kept-off-host")
    host.check_output("systemctl start fastops-redis-backup.service")
    mon = fleet_host("fastops-multinode-mon1")
    copy = newest_copy()
    assert mon.check_output(f"head -c 21 {copy}") == "age-encryption.org/v1"
    assert mon.run(f"gzip -t {copy}").rc != 0, "the copy on the backup host is not a readable gzip"
    assert mon.file(COPIES).user == "fastops-offsite"
    assert mon.file(COPIES).mode == 0o700
    metrics = host.file("/var/lib/prometheus/node-exporter/fastops_redis_backup.prom").content_string
    uploaded = [line for line in metrics.splitlines() if line.startswith("fastops_redis_backup_offsite_last_success")]
    assert uploaded, metrics
    assert float(uploaded[0].split()[1]) > 0, metrics


def test_the_upload_key_cannot_read_or_run_commands(host):
    copy = newest_copy().rsplit("/", 1)[1]
    shell = host.run(f"runuser -u redis -- {SSH} fastops-offsite@{ADDRESS['mon1']} ls /")
    assert shell.rc != 0
    assert "does not run rsync" in shell.stderr, shell.stdout + shell.stderr
    read = host.run(f"runuser -u redis -- rsync -e '{SSH}' fastops-offsite@{ADDRESS['mon1']}:{copy} /tmp/")
    assert read.rc != 0
    assert "write-only" in read.stderr, read.stderr


def test_a_lost_key_comes_back_from_the_backup_host(host):
    redis(host, "DEL offsite:probe")
    refused = playbook(
        "playbooks/restore-redis.yml",
        "-e",
        json.dumps(
            {
                "restore_hosts": "fastops-multinode-redis1",
                "restore_source": "offsite",
                "redis_restore_identity": WRONG_IDENTITY,
            }
        ),
    )
    assert refused.returncode != 0
    assert "no identity matched any of the recipients" in refused.stdout, refused.stdout[-3000:]
    assert WRONG_IDENTITY not in refused.stdout + refused.stderr
    assert host.service("redis-server").is_running
    assert redis(host, "PING") == "PONG"

    run = playbook(
        "playbooks/restore-redis.yml",
        "-e",
        json.dumps({"restore_hosts": "fastops-multinode-redis1", "restore_source": "offsite"}),
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert redis(host, "GET offsite:probe") == "kept-off-host"
