"""Bad input to fastops.stack.pgbackrest fails at validation, naming the variable."""

import json
import sys

import pytest
from conftest import check_run

# localhost is the repository host: the role's checks see an inventory with a backup host.
ON = {"pgbackrest_repo_host": "localhost", "pgbackrest_cipher_pass": "a-passphrase-of-thirty-characters"}
S3 = dict(
    ON,
    pgbackrest_s3_bucket="fleet-backups",
    pgbackrest_s3_endpoint="s3.eu-central-1.amazonaws.com",
    pgbackrest_s3_region="eu-central-1",
    pgbackrest_s3_key="AKIAEXAMPLE",
    pgbackrest_s3_key_secret="a-secret-key-never-shown",
)


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
        pytest.param(
            dict(S3, pgbackrest_s3_key="", pgbackrest_s3_key_secret=""),
            "pgbackrest_s3_key: must be set to the bucket's access key",
            id="bucket-without-credentials",
        ),
        pytest.param(
            dict(S3, pgbackrest_s3_key_secret=""), "pgbackrest_s3_key_secret: must be set", id="bucket-without-secret"
        ),
        pytest.param(dict(S3, pgbackrest_s3_endpoint=""), "pgbackrest_s3_endpoint: must name", id="no-endpoint"),
        pytest.param(dict(S3, pgbackrest_s3_region=""), "pgbackrest_s3_region: must name", id="no-region"),
        pytest.param(dict(S3, pgbackrest_s3_uri_style="virtual"), "pgbackrest_s3_uri_style", id="uri-style"),
        pytest.param(dict(S3, pgbackrest_s3_port=0), "pgbackrest_s3_port: must be a port", id="s3-port"),
        pytest.param(
            dict(S3, pgbackrest_repo_host=""),
            "pgbackrest_s3_bucket: is set, but there is no repository host",
            id="bucket-without-repository-host",
        ),
    ],
)
def test_bad_input_fails_at_validation(assert_rejected, role_vars, message):
    assert_rejected("pgbackrest", role_vars, message)


def test_the_passphrase_never_reaches_the_output(run_role):
    result = run_role("pgbackrest", dict(ON, pgbackrest_cipher_pass="hunter2-short", pgbackrest_retention_full=0))
    assert result.failed_at_validation, result.output
    assert "hunter2-short" not in result.output


def test_the_bucket_secret_never_reaches_the_output(run_role):
    result = run_role("pgbackrest", dict(S3, pgbackrest_s3_region=""))
    assert result.failed_at_validation, result.output
    assert "a-secret-key-never-shown" not in result.output
    assert "AKIAEXAMPLE" not in result.output


def test_without_a_backup_group_the_role_changes_nothing(run_role):
    result = run_role("pgbackrest", {})
    assert result.rc == 0, result.output


def test_an_unreachable_repository_host_stops_the_run_before_any_change(tmp_path):
    """The database host (this machine) asks the repository host first; a host nobody answers at stops it."""
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(
        json.dumps(
            {
                "all": {
                    "children": {
                        "postgresql": {"hosts": {"localhost": {"ansible_connection": "local"}}},
                        # TEST-NET-1: never routed, so the SSH connection times out.
                        "backup": {
                            "hosts": {"backup9": {"ansible_host": "192.0.2.1", "fastops_private_address": "192.0.2.1"}}
                        },
                    },
                    "vars": {"ansible_python_interpreter": sys.executable},
                }
            }
        )
    )
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        json.dumps(
            [
                {
                    "hosts": "postgresql",
                    "gather_facts": False,
                    "vars": {"pgbackrest_cipher_pass": "a-passphrase-of-thirty-characters"},
                    "tasks": [{"ansible.builtin.include_role": {"name": "fastops.stack.pgbackrest"}}],
                }
            ]
        )
    )
    run = check_run("-i", str(inventory), str(playbook), ANSIBLE_TIMEOUT="3")
    output = run.stdout + run.stderr
    assert run.returncode != 0
    # Ansible's own word for an SSH host that does not answer (a connection that fails otherwise
    # gets the role's "pgbackrest_repo_host: ... cannot be reached"): the first task of the setup.
    assert "TASK [fastops.stack.pgbackrest : Ask the repository host for an answer]" in output, output
    assert "fatal: [localhost -> backup9]: UNREACHABLE!" in output, output
    assert "changed=0" in output
