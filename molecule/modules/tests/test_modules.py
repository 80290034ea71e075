"""alembic_migration against PostgreSQL and health_check on a real host."""


def psql(host, sql):
    return host.check_output(f'runuser -u postgres -- psql -d appdb -tAc "{sql}"')


def test_converge_migrated_postgresql_to_head(host):
    assert psql(host, "SELECT version_num FROM alembic_version") == "0002"
    assert psql(host, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders'") == "1"


def test_second_run_reports_nothing_to_do(migrate):
    result = migrate()
    assert "error_kind" not in result, result
    assert result["changed"] is False
    assert result["current_revision"] == "0002"
    assert result["heads"] == ["0002"]
    assert result["pending"] == []


def test_check_mode_plans_a_downgrade_without_running_it(migrate, host):
    result = migrate(check=True, direction="downgrade", revision="base")
    assert result["changed"] is True
    assert [step["revision"] for step in result["pending"]] == ["0002", "0001"]
    assert result["pending"][0]["message"] == "create orders"
    assert psql(host, "SELECT version_num FROM alembic_version") == "0002"


def test_downgrade_and_upgrade_report_what_ran(migrate, host):
    down = migrate(direction="downgrade", revision="-1")
    assert [step["revision"] for step in down["applied"]] == ["0002"]
    assert down["current_revision"] == "0001"
    assert psql(host, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders'") == "0"
    up = migrate()
    assert up["changed"] is True
    assert up["previous_revision"] == "0001"
    assert [step["revision"] for step in up["applied"]] == ["0002"]
    assert up["current_revision"] == "0002"


def test_wrong_password_is_reported_as_a_database_failure(migrate):
    result = migrate(environment={"DATABASE_URL": "postgresql+psycopg2://app:wrong@127.0.0.1/appdb"})
    assert result["error_kind"] == "database"
    assert result["msg"].startswith("database unreachable or authentication failed:")
    assert "password authentication failed" in result["msg"]
    assert "wrong" not in result["msg"].replace("wrong@", "")


def test_offline_sql_from_a_given_revision(migrate):
    result = migrate(sql=True, sql_from="0001")
    assert result["changed"] is False
    assert "CREATE TABLE orders" in result["sql"]
    assert "UPDATE alembic_version SET version_num='0002'" in result["sql"]


def test_health_check_passes_on_a_healthy_endpoint(call):
    result = call("health_check", url="http://127.0.0.1:8000/health.json", json={"checks.database": "ok"})
    assert result["failed_checks"] == [], result
    assert result["status"] == 200
    assert result["json"]["status"] == "healthy"
    assert result["changed"] is False


def test_health_check_names_the_failing_component(call):
    result = call(
        "health_check",
        url="http://127.0.0.1:8000/degraded.json",
        json={"status": "healthy", "checks.database": "ok"},
        retries=1,
        delay=0.1,
    )
    assert result["attempts"] == 2
    assert result["failed_checks"] == [
        "status: expected 'healthy', got 'unhealthy'",
        "checks.database: expected 'ok', got 'down'",
    ]
    assert "unhealthy after 2 attempts" in result["msg"]
