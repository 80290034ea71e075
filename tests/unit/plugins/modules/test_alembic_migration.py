"""alembic_migration against real Alembic projects on SQLite, made by each test."""

import sqlite3
import subprocess
import sys
import textwrap

import pytest
from ansible_collections.fastops.stack.plugins.modules import alembic_migration

ENV_PY = """
import os
from alembic import context
from sqlalchemy import create_engine

url = os.environ["DATABASE_URL"]
print("x-args:", context.get_x_argument(as_dictionary=True))
if context.is_offline_mode():
    context.configure(url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with create_engine(url).connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
"""

REVISION = '''
"""{message}"""
import os
import time
from alembic import op

revision = "{revision}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
{upgrade}


def downgrade():
{downgrade}
'''

USERS = (
    "a1",
    None,
    "create users",
    'op.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")',
    'op.drop_table("users")',
)
ORDERS = ("b2", "a1", "create orders", 'op.execute("CREATE TABLE orders (id INTEGER)")', 'op.drop_table("orders")')
BROKEN = ("c3", "b2", "broken", 'raise RuntimeError("column quantity cannot be null")', "pass")


def make_project(root, revisions, script_location="migrations"):
    root.mkdir(parents=True)
    (root / "alembic.ini").write_text(f"[alembic]\nscript_location = {script_location}\n")
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(ENV_PY)
    for revision, down, message, upgrade, downgrade in revisions:
        (versions / f"{revision}.py").write_text(
            REVISION.format(
                revision=revision,
                down=down,
                message=message,
                upgrade=textwrap.indent(upgrade, "    "),
                downgrade=textwrap.indent(downgrade, "    "),
            )
        )
    return root


def tables(db):
    with sqlite3.connect(db) as connection:
        return sorted(row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'"))


def version(db):
    with sqlite3.connect(db) as connection:
        return sorted(row[0] for row in connection.execute("SELECT version_num FROM alembic_version"))


def project_params(project, db):
    """Module arguments for a test project on a SQLite database, run with this interpreter."""
    return {"project_path": str(project), "python": sys.executable, "environment": {"DATABASE_URL": f"sqlite:///{db}"}}


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "app", [USERS, ORDERS])


@pytest.fixture
def db(tmp_path):
    return tmp_path / "app.db"


@pytest.fixture
def migrate(run_module, project, db):
    def run(check_mode=False, diff=False, **args):
        params = dict(project_params(project, db), **args)
        params = {key: value for key, value in params.items() if value is not None}
        return run_module(alembic_migration.main, params, check_mode=check_mode, diff=diff)

    return run


def test_fresh_upgrade_applies_everything_in_order(migrate, db):
    result = migrate()
    assert result["rc"] == 0, result
    assert result["changed"] is True
    assert result["previous_revisions"] == []
    assert result["previous_revision"] is None
    assert result["current_revisions"] == ["b2"]
    assert result["current_revision"] == "b2"
    assert result["heads"] == ["b2"]
    assert [step["revision"] for step in result["applied"]] == ["a1", "b2"]
    assert result["applied"][1] == {"revision": "b2", "down_revision": "a1", "message": "create orders"}
    assert result["pending"] == result["applied"]
    assert version(db) == ["b2"]
    assert "users" in tables(db)
    assert "orders" in tables(db)


def test_second_run_changes_nothing(migrate):
    migrate()
    result = migrate()
    assert result["rc"] == 0
    assert result["changed"] is False
    assert result["applied"] == []
    assert result["pending"] == []
    assert result["previous_revisions"] == result["current_revisions"] == ["b2"]


def test_check_mode_lists_pending_without_touching_the_schema(migrate, db):
    result = migrate(check_mode=True, diff=True)
    assert result["rc"] == 0, result
    assert result["changed"] is True
    assert [step["revision"] for step in result["pending"]] == ["a1", "b2"]
    assert result["applied"] == []
    assert tables(db) == []
    assert result["diff"] == {"before": "revisions: base\n", "after": "revisions: b2\n"}


def test_partial_state_only_runs_what_is_missing(migrate, db):
    migrate(revision="a1")
    assert version(db) == ["a1"]
    result = migrate()
    assert [step["revision"] for step in result["applied"]] == ["b2"]
    assert result["previous_revision"] == "a1"


def test_diff_shows_before_and_after(migrate):
    result = migrate(diff=True)
    assert result["diff"] == {"before": "revisions: base\n", "after": "revisions: b2\n"}


def test_downgrade_one_step(migrate, db):
    migrate()
    result = migrate(direction="downgrade", revision="-1")
    assert result["rc"] == 0, result
    assert result["changed"] is True
    assert [step["revision"] for step in result["applied"]] == ["b2"]
    assert result["current_revisions"] == ["a1"]
    assert "orders" not in tables(db)


def test_downgrade_to_base_in_check_mode_changes_nothing(migrate, db):
    migrate()
    result = migrate(direction="downgrade", revision="base", check_mode=True, diff=True)
    assert [step["revision"] for step in result["pending"]] == ["b2", "a1"]
    assert version(db) == ["b2"]
    assert result["diff"]["after"] == "revisions: base\n"


def test_two_heads_need_heads_or_a_merge(run_module, tmp_path, db):
    branch = ("x9", "a1", "other branch", 'op.execute("CREATE TABLE audit (id INTEGER)")', 'op.drop_table("audit")')
    project = make_project(tmp_path / "branched", [USERS, ORDERS, branch])
    params = project_params(project, db)
    result = run_module(alembic_migration.main, params)
    assert result["rc"] == 1
    assert result["error_kind"] == "multiple_heads"
    assert result["heads"] == ["b2", "x9"]
    assert "b2, x9" in result["msg"]
    assert "revision=heads" in result["msg"]
    assert "merge" in result["msg"]
    result = run_module(alembic_migration.main, dict(params, revision="heads"))
    assert result["rc"] == 0, result
    assert sorted(result["current_revisions"]) == ["b2", "x9"]
    assert result["current_revision"] is None


def test_broken_migration_names_the_revision_and_where_the_database_is(run_module, tmp_path, db):
    project = make_project(tmp_path / "broken", [USERS, ORDERS, BROKEN])
    params = project_params(project, db)
    result = run_module(alembic_migration.main, params)
    assert result["rc"] == 1
    assert result["error_kind"] == "migration_failed"
    assert result["failed_revision"] == "c3"
    assert result["msg"] == ("migration c3 failed: RuntimeError: column quantity cannot be null; the database is at b2")
    assert result["current_revisions"] == ["b2"]
    assert [step["revision"] for step in result["applied"]] == ["a1", "b2"]
    assert result["changed"] is True
    assert version(db) == ["b2"]


def test_missing_config_file(migrate):
    result = migrate(config="missing.ini")
    assert result["rc"] == 1
    assert result["error_kind"] == "config_missing"
    assert "missing.ini does not exist" in result["msg"]


def test_missing_script_location(run_module, tmp_path, db):
    project = make_project(tmp_path / "noscripts", [USERS], script_location="nowhere")
    params = project_params(project, db)
    result = run_module(alembic_migration.main, params)
    assert result["error_kind"] == "script_location_missing"
    assert result["msg"].startswith("script_location nowhere:")


def test_missing_project_path(run_module, tmp_path):
    result = run_module(alembic_migration.main, {"project_path": str(tmp_path / "absent")})
    assert result["rc"] == 1
    assert "project_path" in result["msg"]


def test_interpreter_without_alembic(migrate, tmp_path):
    venv = tmp_path / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    result = migrate(python=None, virtualenv=str(venv))
    assert result["rc"] == 1
    assert result["error_kind"] == "alembic_missing"
    assert "cannot import alembic" in result["msg"]


def test_virtualenv_without_python(migrate, tmp_path):
    result = migrate(python=None, virtualenv=str(tmp_path))
    assert result["error_kind"] == "alembic_missing"
    assert "has no bin/python" in result["msg"]


def test_unknown_revision(migrate):
    result = migrate(revision="doesnotexist")
    assert result["rc"] == 1
    assert result["error_kind"] == "unknown_revision"
    assert "'doesnotexist'" in result["msg"]


def test_database_ahead_of_the_scripts_is_named_with_both_ends(migrate, run_module, tmp_path, db):
    """What a rollback to an older release meets: the database knows a revision its scripts do not."""
    migrate()
    older = make_project(tmp_path / "older", [USERS])
    result = run_module(alembic_migration.main, project_params(older, db), check_mode=True)
    assert result["rc"] == 1
    assert result["error_kind"] == "unknown_revision"
    assert result["heads"] == ["a1"]
    assert result["current_revisions"] == ["b2"]
    assert result["msg"] == "the database is at b2, which these migration scripts do not contain (their heads: a1)"


def test_unreachable_database(migrate, tmp_path):
    result = migrate(environment={"DATABASE_URL": f"sqlite:///{tmp_path}/no/such/dir/app.db"})
    assert result["rc"] == 1
    assert result["error_kind"] == "database"
    assert result["msg"].startswith("database unreachable or authentication failed:")
    assert "unable to open database file" in result["msg"]


def test_offline_sql_without_a_database(migrate, db):
    result = migrate(sql=True, sql_from="a1")
    assert result["rc"] == 0, result
    assert result["changed"] is False
    assert "CREATE TABLE orders" in result["sql"]
    assert "CREATE TABLE users" not in result["sql"]
    assert not db.exists()


def test_environment_values_never_reach_the_output(run_module, tmp_path, db):
    leaky = ("l1", None, "prints a secret", 'print("token is", os.environ["APP_TOKEN"])', "pass")
    project = make_project(tmp_path / "leaky", [leaky])
    secret = "s3cr3t-token-value"
    result = run_module(
        alembic_migration.main,
        {
            "project_path": str(project),
            "python": sys.executable,
            "environment": {"DATABASE_URL": f"sqlite:///{db}", "APP_TOKEN": secret},
        },
    )
    assert result["rc"] == 0, result
    assert "token is" in result["stdout"]
    assert secret not in str(result)


def test_x_arguments_reach_env_py(migrate):
    result = migrate(x_arguments=["tenant=acme"], check_mode=True)
    assert "x-args: {'tenant': 'acme'}" in result["stdout"]


def test_timeout_stops_a_stuck_migration(run_module, tmp_path, db):
    slow = ("s1", None, "slow", "time.sleep(30)", "pass")
    project = make_project(tmp_path / "slow", [slow])
    result = run_module(alembic_migration.main, dict(project_params(project, db), timeout=2))
    assert result["rc"] == 1
    assert result["error_kind"] == "timeout"
    assert result["msg"] == "Alembic migration timed out after 2s and was stopped; the database is at base"
    assert result["current_revisions"] == []
