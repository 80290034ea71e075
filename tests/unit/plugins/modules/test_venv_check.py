"""venv_check against a real virtualenv and a real app directory."""

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from ansible_collections.fastops.stack.plugins.modules import venv_check

APP = """
import os
import time

if os.environ.get("SLOW"):
    time.sleep(30)
DATABASE = os.environ["POSTGRES_SERVER"]  # settings read at import, as real apps do
app = object()
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A virtualenv holding one installed distribution (gunicorn 27.0.1, metadata only)."""
    path = tmp_path_factory.mktemp("release") / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    purelib = sysconfig.get_path("purelib", vars={"base": str(path), "platbase": str(path)})
    dist_info = Path(purelib) / "gunicorn-27.0.1.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: gunicorn\nVersion: 27.0.1\n")
    return path


@pytest.fixture
def app_dir(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text(APP)
    return tmp_path


def test_reports_versions_and_finds_the_app(run_module, venv, app_dir):
    result = run_module(
        venv_check.main,
        {
            "virtualenv": str(venv),
            "chdir": str(app_dir),
            "distributions": ["gunicorn", "uvicorn-worker"],
            "programs": ["python"],
            "imports": ["app.main:app"],
            "environment": {"POSTGRES_SERVER": "db1"},
        },
    )
    assert result["rc"] == 0, result
    assert result["distributions"] == {"gunicorn": "27.0.1", "uvicorn-worker": None}
    assert result["missing_programs"] == []
    assert result["import_errors"] == {}


def test_missing_program_is_named(run_module, venv, app_dir):
    result = run_module(venv_check.main, {"virtualenv": str(venv), "programs": ["celery", "python"]})
    assert result["rc"] == 1
    assert result["msg"] == f"{venv}/bin has no celery"
    assert result["missing_programs"] == ["celery"]


def test_wrong_module_path_is_named(run_module, venv, app_dir):
    result = run_module(venv_check.main, {"virtualenv": str(venv), "chdir": str(app_dir), "imports": ["app.mian:app"]})
    assert result["rc"] == 1
    assert result["msg"] == "cannot import app.mian:app: ModuleNotFoundError: No module named 'app.mian'"


def test_missing_attribute_and_missing_settings(run_module, venv, app_dir):
    result = run_module(
        venv_check.main, {"virtualenv": str(venv), "chdir": str(app_dir), "imports": ["app.main:application"]}
    )
    assert result["rc"] == 1
    assert result["import_errors"] == {"app.main:application": "KeyError: 'POSTGRES_SERVER'"}


def test_import_that_hangs_is_stopped(run_module, venv, app_dir):
    result = run_module(
        venv_check.main,
        {
            "virtualenv": str(venv),
            "chdir": str(app_dir),
            "imports": ["app.main:app"],
            "timeout": 1,
            "environment": {"SLOW": "slow-import", "POSTGRES_SERVER": "db1"},
        },
    )
    assert result["rc"] == 1
    assert "took longer than 1s" in result["msg"]


def test_secrets_in_the_environment_are_not_returned(run_module, venv, app_dir):
    result = run_module(
        venv_check.main,
        {
            "virtualenv": str(venv),
            "chdir": str(app_dir),
            "imports": ["app.main:app"],
            "environment": {"POSTGRES_SERVER": "db1", "POSTGRES_PASSWORD": "s3cret-value"},
        },
    )
    assert "s3cret-value" not in str(result)


def test_virtualenv_without_interpreter_is_named(run_module, tmp_path):
    result = run_module(venv_check.main, {"virtualenv": str(tmp_path)})
    assert result["rc"] == 1
    assert result["msg"] == f"virtualenv: no interpreter at {tmp_path}/bin/python"
