"""Bad input to fastops.stack.redis fails at validation, naming the variable."""

import pytest

APP = {"name": "app", "password": "secret"}
RECIPIENT = "age1slehn6je6z9zp4aqmv5syh78hnqd75g4jd6x9e4nlz3htxen2d9qmr2whc"
OFFSITE = {"redis_backup_offsite_host": "backup9", "redis_backup_offsite_recipients": [RECIPIENT]}


@pytest.mark.parametrize(
    ("role_vars", "message"),
    [
        pytest.param({"redis_maxmemory_policy": "lru"}, "redis_maxmemory_policy", id="unknown-eviction-policy"),
        pytest.param(
            {"redis_users": [{"name": "app", "password": ""}]},
            "redis_users: every enabled user needs a non-empty password; missing for ['app']",
            id="empty-password",
        ),
        pytest.param(
            {"redis_users": [{"name": "worker"}]},
            "redis_users: every enabled user needs a non-empty password; missing for ['worker']",
            id="missing-password",
        ),
        pytest.param({"redis_port": 70000}, "redis_port: must be a port number", id="port-out-of-range"),
        pytest.param({"redis_port": "six"}, "redis_port", id="port-not-a-number"),
        pytest.param({"redis_users": [APP, APP]}, "redis_users: names must be unique", id="duplicate-user"),
        pytest.param(
            {"redis_users": [{"name": "default", "password": "x"}]}, "redis_users: names must be", id="reserved-user"
        ),
        pytest.param(
            {"redis_users": [dict(APP, commands=["+@all -@dangerous"])]},
            "redis_users: key_patterns, channel_patterns and commands are single ACL rules",
            id="rule-with-space",
        ),
        pytest.param(
            {"redis_users": [dict(APP, key_patterns=["~queue *"])]},
            "redis_users: key_patterns, channel_patterns and commands are single ACL rules",
            id="key-pattern-with-space",
        ),
        pytest.param(
            {"redis_users": [APP], "redis_app_user": "worker"},
            "redis_app_user: must name an enabled user",
            id="app-user",
        ),
        pytest.param({"redis_appendfsync": "sometimes"}, "redis_appendfsync", id="bad-fsync"),
        pytest.param(
            {"redis_tcp_backlog": 10000, "redis_sysctl_somaxconn": 4096}, "redis_tcp_backlog", id="backlog-above-kernel"
        ),
        pytest.param(
            OFFSITE, "redis_backup_offsite_host: must be another host of the inventory", id="unknown-offsite-host"
        ),
        pytest.param(
            dict(OFFSITE, redis_backup_offsite_host="localhost"),
            "redis_backup_offsite_host: must be another host of the inventory (a copy on this host is not off-host)",
            id="offsite-host-is-this-host",
        ),
        pytest.param(
            dict(OFFSITE, redis_backup_offsite_recipients=[]),
            "redis_backup_offsite_recipients: off-host copies to backup9 are encrypted for age public keys",
            id="offsite-without-recipients",
        ),
        pytest.param(
            dict(OFFSITE, redis_backup_offsite_recipients=["ssh-ed25519 AAAAC3Nza"]),
            "redis_backup_offsite_recipients: off-host copies",
            id="offsite-recipient-not-age",
        ),
        pytest.param(
            dict(OFFSITE, redis_backup_offsite_retention_days=0),
            "redis_backup_offsite_retention_days: must be 1 or more",
            id="offsite-retention-0",
        ),
    ],
)
def test_bad_input_fails_at_validation(assert_rejected, role_vars, message):
    assert_rejected("redis", role_vars, message)


def test_disabled_user_needs_no_password(run_role):
    result = run_role("redis", {"redis_users": [APP, {"name": "old", "enabled": False}]})
    assert not result.failed_at_validation, result.output


def test_passwords_never_reach_the_output(run_role):
    result = run_role("redis", {"redis_users": [{"name": "app", "password": "hunter2-secret"}], "redis_port": 0})
    assert result.failed_at_validation, result.output
    assert "hunter2-secret" not in result.output


def test_key_and_channel_patterns_are_accepted(run_role):
    user = dict(APP, key_patterns=["%R~celery*", "~app:*"], channel_patterns=["&events"])
    result = run_role("redis", {"redis_users": [user]})
    assert not result.failed_at_validation, result.output


def test_an_offsite_restore_without_the_identity_stops_before_any_change(assert_rejected):
    assert_rejected(
        "redis",
        {"redis_restore_source": "offsite", "redis_backup_offsite_host": "localhost"},
        "redis_restore_identity: the off-host copies are age-encrypted",
        tasks_from="restore",
    )


def test_a_malformed_identity_never_reaches_the_output(run_role):
    result = run_role(
        "redis",
        {
            "redis_restore_source": "offsite",
            "redis_backup_offsite_host": "localhost",
            "redis_restore_identity": "AGE-SECRET-KEY-1hunter2",
        },
        "restore",
    )
    assert result.failed_at_validation, result.output
    assert "hunter2" not in result.output


def test_a_backup_now_without_the_backup_service_is_named(assert_rejected):
    assert_rejected("redis", {"redis_backup_enabled": False}, "redis_backup_enabled: false", tasks_from="backup_now")
