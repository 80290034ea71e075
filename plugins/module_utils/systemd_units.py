# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading systemd units' state and journal, so a deploy can say at once why a unit is down.

``run`` is a callable taking an argument list and returning (rc, stdout, stderr), such as
AnsibleModule.run_command. Only the standard library is used.
"""

import json
import re
import time

PROPERTIES = ("ActiveState", "SubState", "Result", "NRestarts", "ExecMainCode", "ExecMainStatus", "LoadState")
# systemd's exit-status names for the codes a start failure most often ends with.
EXIT_STATUS_NAMES = {"200": "CHDIR", "203": "EXEC", "209": "STDOUT", "217": "USER", "226": "NAMESPACE"}
# ExecMainCode values (siginfo codes) for a process that was killed or dumped core.
_KILLED_CODES = {"2": "killed", "3": "dumped core"}


def parse_show(text):
    """`systemctl show -p ... unit ...` output (blank line between units) -> list of dicts."""
    units, current = [], {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                units.append(current)
                current = {}
            continue
        key, _sep, value = line.partition("=")
        current[key] = value
    if current:
        units.append(current)
    return units


def unit_states(run, units):
    """State of each unit, keyed by unit name."""
    if not units:
        return {}
    args = ["systemctl", "show", "--no-pager", "-p", "Id," + ",".join(PROPERTIES), "--", *units]
    rc, out, err = run(args)
    if rc != 0:
        raise RuntimeError(f"systemctl show failed: {(err or out).strip()}")
    parsed = parse_show(out)
    states = {}
    for unit, state in zip(units, parsed):
        state.pop("Id", None)
        states[unit] = state
    return states


def exit_text(state):
    """'exit 203/EXEC', 'signal 9' or '' for the main process's last end."""
    status = state.get("ExecMainStatus", "0")
    code = state.get("ExecMainCode", "0")
    if code in _KILLED_CODES:
        return f"{_KILLED_CODES[code]} by signal {status}"
    if status not in ("", "0"):
        name = EXIT_STATUS_NAMES.get(status)
        return f"exit {status}/{name}" if name else f"exit {status}"
    return ""


def unsteady_reason(state, restarts_allowed=0):
    """Why a unit is not running steadily, or None: failed, restarting, not loaded."""
    if state.get("LoadState", "loaded") != "loaded":
        return f"not loaded ({state.get('LoadState')})"
    active, sub = state.get("ActiveState", ""), state.get("SubState", "")
    ended = exit_text(state)
    detail = f", {ended}" if ended else ""
    if active == "failed":
        return f"failed ({state.get('Result', 'unknown')}{detail})"
    if sub == "auto-restart":
        return f"restarting after a crash ({state.get('Result', 'unknown')}{detail})"
    restarts = int(state.get("NRestarts", "0") or 0)
    if restarts > restarts_allowed:
        times = "once" if restarts == 1 else f"{restarts} times"
        return f"restarted {times} by systemd{detail}"
    return None


# systemd's own lines that end a failed run of a unit.
_RUN_ENDED = ("Failed with result", "Main process exited")


# The last line of a Python traceback: "RuntimeError: ...", "gunicorn.errors.HaltServer: ...".
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*: \S")


def journal_window(run, unit, lines):
    """The unit's journal lines (message only) up to the end of its last failed run.

    A unit that systemd restarts logs its next start at once; the lines that say why the
    last run ended come before that, so the window is cut at systemd's last "failed" line.
    """
    if lines <= 0:
        return []
    rc, out, err = run(["journalctl", "--no-pager", "-o", "cat", "-n", str(lines * 4), "-u", unit])
    if rc != 0:
        return [f"(journalctl failed: {(err or out).strip()})"]
    found = [line for line in out.splitlines() if line.strip()]
    ends = [index for index, line in enumerate(found) if any(marker in line for marker in _RUN_ENDED)]
    return found[: ends[-1] + 1] if ends else found


def journal_tail(run, unit, lines):
    """The last `lines` lines of journal_window()."""
    return journal_window(run, unit, lines)[-lines:] if lines > 0 else []


# Where JSON log formatters (python-json-logger, structlog, our own) put a traceback.
_JSON_TEXT_KEYS = ("message", "msg", "exc_info", "exception", "stack_info")


def _text_lines(line):
    """A journal line's text lines: a JSON log record's message and traceback, split, or the line."""
    text = line.strip()
    if text.startswith("{"):
        try:
            record = json.loads(text)
        except ValueError:
            record = None
        if isinstance(record, dict):
            return [
                part.strip()
                for key in _JSON_TEXT_KEYS
                if isinstance(record.get(key), str)
                for part in record[key].splitlines()
            ]
    return [text]


def exceptions(window):
    """The distinct exception lines of the tracebacks in a journal window, in order.

    Apps that log JSON carry the traceback inside one record, so it is read there too.
    """
    seen = []
    for line in window:
        for text in _text_lines(line):
            if _EXCEPTION_LINE.match(text) and text not in seen:
                seen.append(text)
    return seen


def problems(run, units, journal_lines=10):
    """Units that are not running steadily: list of {unit, state, reason, errors, journal}."""
    found = []
    for unit, state in unit_states(run, units).items():
        reason = unsteady_reason(state)
        if reason:
            window = journal_window(run, unit, journal_lines)
            tail = window[-journal_lines:] if journal_lines > 0 else []
            found.append(
                {"unit": unit, "reason": reason, "state": state, "errors": exceptions(window), "journal": tail}
            )
    return found


def describe(found):
    """One line per problem unit: its state, the exceptions it logged, its journal tail."""
    parts = []
    for problem in found:
        errors = "; ".join(problem.get("errors") or [])
        journal = " / ".join(problem["journal"]) or "(no journal lines)"
        parts.append(
            f"{problem['unit']} {problem['reason']}: " + (f"{errors}; journal: {journal}" if errors else journal)
        )
    return "; ".join(parts)


def watch(run, units, seconds, interval=0.5, journal_lines=10, clock=time.monotonic, sleep=time.sleep):
    """Look at the units for `seconds`; return the problems at the first look that finds any.

    Returns (problems, seconds watched). An empty list means every unit stayed steady.
    """
    start = clock()
    while True:
        found = problems(run, units, journal_lines)
        elapsed = clock() - start
        if found or elapsed >= seconds:
            return found, round(elapsed, 2)
        sleep(min(interval, max(seconds - elapsed, 0)))
