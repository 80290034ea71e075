"""Bad input to fastops.stack.python_app fails at validation, naming the variable."""

import pytest

VALID = {
    "python_app_name": "shop",
    "python_app_source": {"type": "dir", "path": "/tmp"},
    "python_app_module": "app.main:app",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"python_app_source": {"type": "svn", "path": "/x"}}, "python_app_source", id="unknown-source"),
        pytest.param({"python_app_source": {"type": "git"}}, "type git needs repo and version", id="git-without-repo"),
        pytest.param({"python_app_source": {"type": "archive"}}, "type archive needs path", id="archive-without-path"),
        pytest.param({"python_app_module": None}, "python_app_module", id="missing-module"),
        pytest.param({"python_app_module": "app.main"}, "must name the ASGI app as module:attribute", id="bad-module"),
        pytest.param({"python_app_web_workers": 0}, "python_app_web_workers: must be auto or a number", id="zero"),
        pytest.param({"python_app_web_workers": -2}, "python_app_web_workers: must be auto or a number", id="negative"),
        pytest.param(
            {"python_app_processes": [{"name": "w", "type": "rq_worker", "app": "x"}]},
            "w: unknown type rq_worker",
            id="unknown-worker-type",
        ),
        pytest.param(
            {"python_app_processes": [{"name": "w", "type": "celery_worker"}]},
            "w: type celery_worker needs app",
            id="celery-without-app",
        ),
        pytest.param(
            {"python_app_secrets": {"SECRET_KEY": 12345}}, "python_app_secrets: every secret must be a string", id="int"
        ),
        pytest.param(
            {"python_app_database_name": "shop"}, "no database URL can be built", id="database-without-endpoint"
        ),
        pytest.param(
            {"python_app_name": "Shop App"}, "python_app_name: must be a short lower-case name", id="bad-name"
        ),
        pytest.param({"python_app_web_server": "hypercorn"}, "python_app_web_server", id="unknown-server"),
        pytest.param(
            {"python_app_web_server": "uvicorn", "python_app_web_server_packages": {"gunicorn": "gunicorn==27.0.1"}},
            "python_app_web_server_packages: needs a requirement for each of uvicorn",
            id="server-without-package",
        ),
        pytest.param(
            {"python_app_database_env": {"POSTGRES HOST": "host"}},
            "python_app_database_env: maps each variable name",
            id="database-env-bad-name",
        ),
        pytest.param(
            {"python_app_database_env": {"POSTGRES_SERVER": "server"}},
            "wrong: POSTGRES_SERVER: server",
            id="database-env-unknown-part",
        ),
        pytest.param(
            {"python_app_redis_env": {"REDIS_HOST": "hostname"}},
            "python_app_redis_env: maps each variable name (letters, digits, _) to one of url, host, port, username",
            id="redis-env-unknown-part",
        ),
        pytest.param(
            {"python_app_source": {"type": "dir", "path": "/nonexistent/app"}},
            "python_app_source: path /nonexistent/app is not a directory on the controller",
            id="dir-source-missing",
        ),
        pytest.param(
            {"python_app_source": {"type": "archive", "path": "/nonexistent/app.tar.gz"}},
            "python_app_source: path /nonexistent/app.tar.gz is not a file on the controller",
            id="archive-source-missing",
        ),
        pytest.param(
            {"python_app_source": {"type": "dir", "path": "/tmp", "strip_components": 1}},
            "strip_components applies to type archive only",
            id="strip-components-on-a-directory",
        ),
        pytest.param(
            {"python_app_source": {"type": "archive", "path": "/etc/hostname", "strip_components": "one"}},
            "python_app_source",
            id="strip-components-not-a-number",
        ),
        pytest.param({"python_app_log_format": "logfmt"}, "python_app_log_format", id="unknown-log-format"),
        pytest.param(
            {"python_app_sentry_dsn": "sentry.example.com/42"},
            "python_app_sentry_dsn: must be a Sentry DSN",
            id="sentry-dsn-without-key",
        ),
    ],
)
def test_bad_input_fails_at_validation(assert_rejected, changes, message):
    role_vars = {key: value for key, value in dict(VALID, **changes).items() if value is not None}
    assert_rejected("python_app", role_vars, message)


def test_database_password_never_reaches_the_output(run_role):
    result = run_role(
        "python_app",
        dict(
            VALID,
            python_app_database_name="shop",
            python_app_database_host="db1.internal",
            python_app_database_password="pg-pass-hunter2",
            python_app_database_env={"POSTGRES_PASSWORD": "password", "POSTGRES HOST": "host"},
        ),
    )
    assert result.failed_at_validation, result.output
    assert "POSTGRES HOST: host" in result.output
    assert "pg-pass-hunter2" not in result.output


def test_secrets_never_reach_the_output(run_role):
    result = run_role(
        "python_app", dict(VALID, python_app_secrets={"TOKEN": "hunter2-secret"}, python_app_web_workers=0)
    )
    assert result.failed_at_validation, result.output
    assert "hunter2-secret" not in result.output


def test_a_bad_sentry_dsn_is_named_but_never_shown(run_role):
    result = run_role("python_app", dict(VALID, python_app_sentry_dsn="https://hunter2-dsn-key@sentry.example.com/"))
    assert result.failed_at_validation, result.output
    assert "python_app_sentry_dsn: must be a Sentry DSN" in result.output
    assert "hunter2-dsn-key" not in result.output
