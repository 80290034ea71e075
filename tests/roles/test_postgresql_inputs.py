"""Bad input to fastops.stack.postgresql fails at validation, naming the variable."""

import pytest

USERS = [{"name": "app", "password": "secret"}]


@pytest.mark.parametrize(
    ("role_vars", "message"),
    [
        pytest.param(
            {
                "postgresql_hba_entries": [
                    {"type": "host", "database": "all", "user": "all", "address": "127.0.0.1/32", "method": "trusted"}
                ]
            },
            "method",
            id="bad-hba-method",
        ),
        pytest.param(
            {
                "postgresql_hba_entries": [
                    {
                        "type": "host",
                        "database": "all",
                        "user": "all",
                        "address": "localhost!",
                        "method": "scram-sha-256",
                    }
                ]
            },
            "postgresql_hba_entries: each entry except type local needs an address",
            id="bad-hba-address",
        ),
        pytest.param(
            {"postgresql_hba_entries": [{"type": "host", "database": "all", "user": "all", "method": "scram-sha-256"}]},
            "postgresql_hba_entries: each entry except type local needs an address",
            id="hba-host-without-address",
        ),
        pytest.param({"postgresql_port": "fivefourthreetwo"}, "postgresql_port", id="port-not-a-number"),
        pytest.param({"postgresql_port": 70000}, "postgresql_port: must be a port number", id="port-out-of-range"),
        pytest.param(
            {"postgresql_users": USERS, "postgresql_databases": [{"name": "shop", "owner": "ghost"}]},
            "postgresql_databases: every database needs an owner",
            id="database-owner-unknown",
        ),
        pytest.param(
            {"postgresql_users": USERS, "postgresql_databases": [{"name": "shop"}]},
            "owner",
            id="database-without-owner",
        ),
        pytest.param({"postgresql_users": [{"name": "app"}]}, "password", id="login-role-without-password"),
        pytest.param(
            {"postgresql_users": [{"name": "app", "password": ""}]},
            "postgresql_users: every login role needs a non-empty password",
            id="login-role-empty-password",
        ),
        pytest.param(
            {
                "postgresql_users": USERS,
                "postgresql_databases": [{"name": "shop", "owner": "app", "readonly_users": ["nobody"]}],
            },
            "readonly_users must be listed",
            id="unknown-reader",
        ),
        pytest.param(
            {"postgresql_tls_enabled": True, "postgresql_tls_cert_file": "/etc/ssl/db.pem"},
            "postgresql_tls_cert_file: is set (/etc/ssl/db.pem), so postgresql_tls_key_file and postgresql_tls_ca_file",
            id="tls-certificate-without-key-and-ca",
        ),
        pytest.param(
            {"postgresql_users": [{"name": "monitor", "password": "x", "member_of": ["pg_monitor", "postgres"]}]},
            "member_of",
            id="member-of-a-non-predefined-role",
        ),
    ],
)
def test_bad_input_fails_at_validation(assert_rejected, role_vars, message):
    assert_rejected("postgresql", role_vars, message)


def test_passwords_never_reach_the_output(run_role):
    result = run_role(
        "postgresql", {"postgresql_users": [{"name": "app", "password": "hunter2-secret"}], "postgresql_port": 0}
    )
    assert result.failed_at_validation, result.output
    assert "hunter2-secret" not in result.output


def test_a_restore_without_a_target_database_stops_before_any_change(assert_rejected):
    assert_rejected(
        "postgresql", {}, "postgresql_restore_database: name the database to restore into", tasks_from="restore"
    )


def test_a_restore_force_that_is_not_a_boolean_is_named(assert_rejected):
    assert_rejected(
        "postgresql",
        {"postgresql_restore_database": "app", "postgresql_restore_force": "maybe"},
        "postgresql_restore_force",
        tasks_from="restore",
    )


def test_a_backup_now_without_the_backup_service_is_named(assert_rejected):
    assert_rejected(
        "postgresql", {"postgresql_backup_enabled": False}, "postgresql_backup_enabled: false", tasks_from="backup_now"
    )


def test_a_promotion_of_a_host_that_is_not_a_standby_stops_before_any_change(assert_rejected):
    # localhost is no host of group postgresql: the message lists the standbys there are (none).
    assert_rejected(
        "postgresql",
        {"postgresql_promote_host": "db9"},
        "postgresql_promote_host (playbooks/promote.yml: -e fastops_promote_host=HOST): name the standby",
        tasks_from="promote",
    )
