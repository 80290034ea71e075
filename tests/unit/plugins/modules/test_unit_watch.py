"""unit_watch against systemctl/journalctl stand-ins that read unit states from files."""

import time

from ansible_collections.fastops.stack.plugins.modules import unit_watch


def test_steady_units_pass_after_the_watch(run_module, fake_systemd):
    fake_systemd("app-worker@1.service")
    fake_systemd("app-worker@2.service")
    result = run_module(unit_watch.main, {"units": ["app-worker@1.service", "app-worker@2.service"], "seconds": 1})
    assert result["rc"] == 0, result
    assert result["problems"] == []
    assert result["watched_seconds"] >= 1
    assert result["units"]["app-worker@2.service"]["SubState"] == "running"


def test_crashing_unit_fails_at_once_with_its_journal(run_module, fake_systemd):
    fake_systemd("app-worker@1.service")
    fake_systemd(
        "app-beat@1.service",
        journal=["Traceback (most recent call last):", "ModuleNotFoundError: No module named 'app.tasks'"],
        ActiveState="activating",
        SubState="auto-restart",
        Result="exit-code",
        ExecMainCode="1",
        ExecMainStatus="1",
    )
    start = time.monotonic()
    result = run_module(unit_watch.main, {"units": ["app-worker@1.service", "app-beat@1.service"], "seconds": 30})
    assert time.monotonic() - start < 10
    assert result["rc"] == 1
    assert result["msg"] == (
        "not running steadily: app-beat@1.service restarting after a crash (exit-code, exit 1): "
        "ModuleNotFoundError: No module named 'app.tasks'; journal: "
        "Traceback (most recent call last): / ModuleNotFoundError: No module named 'app.tasks'"
    )
    assert [p["unit"] for p in result["problems"]] == ["app-beat@1.service"]


def test_bad_parameters_are_named(run_module, fake_systemd):
    result = run_module(unit_watch.main, {"units": ["a.service"], "interval": 0})
    assert result["rc"] == 1
    assert result["msg"] == "interval must be greater than 0, got 0.0"
