"""Bad input to fastops.stack.pgbackrest fails at validation, naming the variable."""

import pytest

# localhost is the repository host: the role's checks see an inventory with a backup host.
ON = {"pgbackrest_repo_host": "localhost", "pgbackrest_cipher_pass": "a-passphrase-of-thirty-characters"}


@pytest.mark.parametrize(
    ("role_vars", "message"),
    [
        pytest.param(
            dict(ON, pgbackrest_cipher_pass=""), "pgbackrest_cipher_pass: must be set", id="missing-passphrase"
        ),
        pytest.param(dict(ON, pgbackrest_cipher_pass="short"), "it is too short", id="short-passphrase"),
        pytest.param(
            dict(ON, pgbackrest_retention_full=0), "pgbackrest_retention_full: must keep at least 1", id="retention-0"
        ),
        pytest.param(
            dict(ON, pgbackrest_retention_diff=0), "pgbackrest_retention_diff: must keep at least 1", id="diff-0"
        ),
        pytest.param(
            dict(ON, pgbackrest_repo_host="backup9"),
            "pgbackrest_repo_host: must be a host of the inventory",
            id="unknown-repository-host",
        ),
        pytest.param(dict(ON, pgbackrest_tls_port=0), "pgbackrest_tls_port: must be a port", id="port"),
        pytest.param(dict(ON, pgbackrest_compress_type="xz"), "pgbackrest_compress_type", id="compression"),
        pytest.param(dict(ON, pgbackrest_stanza="Main DB"), "pgbackrest_stanza: must be a short", id="stanza"),
    ],
)
def test_bad_input_fails_at_validation(assert_rejected, role_vars, message):
    assert_rejected("pgbackrest", role_vars, message)


def test_the_passphrase_never_reaches_the_output(run_role):
    result = run_role("pgbackrest", dict(ON, pgbackrest_cipher_pass="hunter2-short", pgbackrest_retention_full=0))
    assert result.failed_at_validation, result.output
    assert "hunter2-short" not in result.output


def test_without_a_backup_group_the_role_changes_nothing(run_role):
    result = run_role("pgbackrest", {})
    assert result.rc == 0, result.output
