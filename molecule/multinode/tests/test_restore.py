"""Point-in-time restore (playbooks/restore.yml with the pgbackrest role), after test_replica.py's
promotion left db2 the primary and db1 stopped, as a lost primary would be: rows written on db2,
the time noted, more rows, the table dropped; db1 restored to the noted time holds exactly the
first rows. A restore onto the running db2 is refused and changes nothing."""

import json

from fleet import playbook, psql_value
from polling import wait_for

# No `host` fixture: pytest keeps these in file order, after test_replica.py.
testinfra_hosts = ["ansible://fastops-multinode-lb1"]


def restore(host, **variables):
    return playbook(
        "playbooks/restore.yml", "-e", json.dumps({"restore_host": f"fastops-multinode-{host}", **variables})
    )


def test_a_restore_onto_a_running_cluster_is_refused():
    run = restore("db2", pgbackrest_restore_type="latest")
    assert run.returncode != 0
    assert "postgresql@15-main is running on fastops-multinode-db2; nothing was changed" in run.stdout, run.stdout[
        -3000:
    ]
    assert psql_value("db2", "SELECT pg_is_in_recovery()") == "f"


def test_a_lost_primary_comes_back_at_the_noted_time():
    psql_value("db2", "CREATE TABLE pitr_probe (n int)")
    psql_value("db2", "INSERT INTO pitr_probe SELECT generate_series(1, 5)")
    noted = psql_value("db2", "SELECT now()")
    psql_value("db2", "SELECT pg_sleep(1)")
    psql_value("db2", "INSERT INTO pitr_probe SELECT generate_series(6, 9)")
    psql_value("db2", "DROP TABLE pitr_probe")
    # The segment holding the drop (and so a commit after the noted time) must be in the archive.
    segment = psql_value("db2", "SELECT pg_walfile_name(pg_switch_wal())")
    archived = "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"
    assert wait_for(lambda: psql_value("db2", archived) >= segment, 90, interval=3), psql_value("db2", archived)

    run = restore("db1", pgbackrest_restore_type="time", pgbackrest_restore_target=noted)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert psql_value("db1", "SELECT count(*), min(n), max(n) FROM pitr_probe") == "5|1|5"
    assert psql_value("db1", "SELECT pg_is_in_recovery()") == "f"
    # The restored copy does not write into the archive the running primary (db2) owns.
    assert psql_value("db1", "SHOW archive_mode") == "off"
    assert "Ask the app for its health as a deploy does" in run.stdout, "the app's health was checked"
