"""Bad input to fastops.stack.journal fails at validation, naming the variable."""

import pytest

HERE = {"journal_remote_host": "localhost"}


@pytest.mark.parametrize(
    ("role_vars", "message"),
    [
        pytest.param({}, "journal_remote_host: must be a host of the inventory", id="no-monitoring-host"),
        pytest.param({"journal_remote_host": "mon9"}, "got 'mon9'", id="unknown-host"),
        pytest.param(dict(HERE, journal_remote_port=70000), "journal_remote_port: must be a port", id="port"),
        pytest.param(dict(HERE, journal_remote_port="https"), "journal_remote_port", id="port-not-a-number"),
        pytest.param(dict(HERE, journal_remote_max_use="lots"), "journal_remote_max_use: must be a size", id="size"),
        pytest.param(
            dict(HERE, journal_remote_max_retention="0"), "journal_remote_max_retention: must be a time span", id="0"
        ),
        pytest.param(
            dict(HERE, journal_certificate_days=4000),
            "journal_certificate_days: must be above 0 and at most journal_ca_days (3650)",
            id="certificate-outlives-ca",
        ),
    ],
)
def test_bad_input_fails_at_validation(assert_rejected, role_vars, message):
    assert_rejected("journal", role_vars, message)
