"""systemd unit state parsing and watching, against recorded `systemctl show` output."""

import json

from ansible_collections.fastops.stack.plugins.module_utils import systemd_units

RUNNING = {
    "ActiveState": "active",
    "SubState": "running",
    "Result": "success",
    "NRestarts": "0",
    "ExecMainCode": "0",
    "ExecMainStatus": "0",
    "LoadState": "loaded",
}
EXEC_FAILED = dict(
    RUNNING,
    ActiveState="activating",
    SubState="auto-restart",
    Result="exit-code",
    ExecMainCode="1",
    ExecMainStatus="203",
)


def show_output(states):
    return "\n".join("\n".join(f"{k}={v}" for k, v in dict(s, Id=unit).items()) + "\n" for unit, s in states.items())


class FakeSystemd:
    """Answers systemctl show / journalctl like systemd would; states change per call."""

    def __init__(self, timeline, journal=None):
        self.timeline = list(timeline)
        self.journal = journal or {}
        self.calls = []

    def __call__(self, args):
        self.calls.append(args)
        if args[0] == "systemctl":
            states = self.timeline[0] if len(self.timeline) == 1 else self.timeline.pop(0)
            return 0, show_output(states), ""
        unit = args[args.index("-u") + 1]
        return 0, "\n".join(self.journal.get(unit, [])) + "\n", ""


def test_parse_show_splits_units_on_blank_lines():
    text = show_output({"a.service": RUNNING, "b.service": EXEC_FAILED})
    parsed = systemd_units.parse_show(text)
    assert [p["Id"] for p in parsed] == ["a.service", "b.service"]
    assert parsed[1]["ExecMainStatus"] == "203"


def test_running_unit_is_steady():
    assert systemd_units.unsteady_reason(RUNNING) is None


def test_exec_failure_is_named_with_systemds_status_name():
    assert systemd_units.unsteady_reason(EXEC_FAILED) == "restarting after a crash (exit-code, exit 203/EXEC)"


def test_failed_unit_and_signal():
    failed = dict(
        RUNNING, ActiveState="failed", SubState="failed", Result="signal", ExecMainCode="2", ExecMainStatus="9"
    )
    assert systemd_units.unsteady_reason(failed) == "failed (signal, killed by signal 9)"


def test_restarted_unit_counts_as_unsteady():
    assert systemd_units.unsteady_reason(dict(RUNNING, NRestarts="2")) == "restarted 2 times by systemd"
    assert systemd_units.unsteady_reason(dict(RUNNING, NRestarts="1")) == "restarted once by systemd"


def test_unknown_unit_is_not_loaded():
    assert systemd_units.unsteady_reason(dict(RUNNING, LoadState="not-found")) == "not loaded (not-found)"


def test_problems_carry_the_journal_tail():
    fake = FakeSystemd(
        [{"web.service": EXEC_FAILED}],
        {"web.service": [f"line {n}" for n in range(30)] + ["Failed to execute gunicorn"]},
    )
    found = systemd_units.problems(fake, ["web.service"], journal_lines=3)
    assert found[0]["journal"] == ["line 28", "line 29", "Failed to execute gunicorn"]
    assert systemd_units.describe(found).startswith("web.service restarting after a crash")


def test_journal_tail_ends_with_the_failed_run_not_the_next_start():
    journal = [
        "RuntimeError: cannot reach the search cluster at startup",
        "[ERROR] Reason: Worker failed to boot.",
        "web.service: Main process exited, code=exited, status=3/NOTIMPLEMENTED",
        "web.service: Failed with result 'exit-code'.",
        "web.service: Scheduled restart job, restart counter is at 1.",
        "Started web.service - web.",
        "[INFO] Starting gunicorn 27.0.1",
        "[INFO] Booting worker with pid: 42",
    ]
    fake = FakeSystemd([{"web.service": RUNNING}], {"web.service": journal})
    assert systemd_units.journal_tail(fake, "web.service", 3) == journal[1:4]


def test_watch_stops_at_the_first_crash():
    fake = FakeSystemd([{"w.service": RUNNING}, {"w.service": RUNNING}, {"w.service": EXEC_FAILED}])
    clock = iter(range(100))
    found, _elapsed = systemd_units.watch(fake, ["w.service"], 50, clock=lambda: next(clock), sleep=lambda s: None)
    assert [p["unit"] for p in found] == ["w.service"]
    assert len([c for c in fake.calls if c[0] == "systemctl"]) == 3


def test_watch_returns_nothing_when_steady_for_the_whole_time():
    fake = FakeSystemd([{"w.service": RUNNING}])
    clock = iter(range(100))
    found, elapsed = systemd_units.watch(fake, ["w.service"], 5, clock=lambda: next(clock), sleep=lambda s: None)
    assert found == []
    assert elapsed >= 5


def test_exceptions_are_read_inside_json_log_records():
    traceback = 'Traceback (most recent call last):\n  File "main.py", line 12\nRuntimeError: cannot reach search\n'
    window = [
        json.dumps({"level": "info", "message": "Booting worker with pid: 7"}),
        json.dumps({"level": "error", "logger": "uvicorn.error", "message": traceback}),
        json.dumps({"level": "error", "message": "boom", "exc_info": "Traceback...\nKeyError: 'DATABASE_URL'"}),
        "{not json: ValueError: kept as text",
        "web.service: Failed with result 'exit-code'.",
    ]
    assert systemd_units.exceptions(window) == ["RuntimeError: cannot reach search", "KeyError: 'DATABASE_URL'"]


def test_the_cause_is_named_even_when_it_scrolled_out_of_the_tail():
    record = json.dumps({"message": "Traceback (most recent call last):\nRuntimeError: cannot reach search"})
    journal = [record] + [f"line {n}" for n in range(30)] + ["web.service: Failed with result 'exit-code'."]
    fake = FakeSystemd([{"web.service": EXEC_FAILED}], {"web.service": journal})
    found = systemd_units.problems(fake, ["web.service"], journal_lines=5)
    assert "RuntimeError: cannot reach search" not in found[0]["journal"]
    assert "RuntimeError: cannot reach search" in systemd_units.describe(found)
