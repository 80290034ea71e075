# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Program that fastops.stack.alembic_migration runs with the *application's* interpreter.

Alembic lives in the app's virtualenv, not in the Python that runs Ansible modules, so the
module ships this file's source to that interpreter: the request comes as JSON on stdin,
the answer is written as JSON to ``result_path``. Only Alembic's own API is used
(ScriptDirectory, EnvironmentContext, alembic.command); the user's env.py decides how to
connect, exactly as with the ``alembic`` command. Alembic is imported lazily so that this
module can be imported (for its source) where Alembic is absent.
"""

import argparse
import io
import json
import os
import sys
import traceback


class HelperError(Exception):
    def __init__(self, kind, message, **details):
        super().__init__(message)
        self.kind = kind
        self.details = details


# SQLAlchemy appends these to its messages; they never say what went wrong.
NOISE = ("(Background on this error", "[SQL:", "[parameters:")


def last_line(exc):
    """The most telling line of an exception: its last line that is not SQLAlchemy boilerplate."""
    text = "".join(traceback.format_exception_only(type(exc), exc))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith(NOISE)]
    return lines[-1] if lines else repr(exc)


def describe(script):
    return {"revision": script.revision, "down_revision": script.down_revision, "message": script.doc}


def is_database_error(exc):
    try:
        from sqlalchemy import exc as sa_exc
    except ImportError:
        return False
    return isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError))


def load(request):
    try:
        from alembic.config import Config
        from alembic.script import ScriptDirectory
        from alembic.util import CommandError
    except ImportError as exc:
        raise HelperError("alembic_missing", f"{sys.executable} cannot import alembic ({exc})") from exc
    config_path = request["config"]
    if not os.path.isfile(config_path):
        raise HelperError("config_missing", f"Alembic config {config_path} does not exist")
    buffer = io.StringIO()
    config = Config(config_path, output_buffer=buffer)
    config.cmd_opts = argparse.Namespace(x=request.get("x_arguments") or [])
    location = config.get_main_option("script_location")
    if not location:
        raise HelperError("config_invalid", f"{config_path} has no script_location in its [alembic] section")
    try:
        script = ScriptDirectory.from_config(config)
    except CommandError as exc:
        raise HelperError("script_location_missing", f"script_location {location}: {last_line(exc)}") from exc
    return config, script, buffer


def read_current(config, script):
    """The database's current revisions, read through the project's own env.py."""
    from alembic.runtime.environment import EnvironmentContext

    found = []

    def collect(heads, context):
        found.extend(context.get_current_heads())
        return []

    try:
        with EnvironmentContext(config, script, fn=collect, dont_mutate=True):
            script.run_env()
    except Exception as exc:
        if is_database_error(exc):
            raise HelperError("database", f"database unreachable or authentication failed: {last_line(exc)}") from exc
        raise HelperError("env_failed", f"env.py failed: {last_line(exc)}", traceback=traceback.format_exc()) from exc
    return sorted(found)


def known(script, revision):
    from alembic.script.revision import ResolutionError
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None
    except (ResolutionError, CommandError):
        return False


def plan(script, current, revision, direction):
    """Migrations that would run, in the order they would run."""
    from alembic.script.revision import MultipleHeads, RangeNotAncestorError, ResolutionError
    from alembic.util import CommandError

    heads = list(script.get_heads())
    if direction == "upgrade" and revision == "head" and len(heads) > 1:
        raise HelperError(
            "multiple_heads",
            f"revision=head is ambiguous, the scripts have {len(heads)} heads ({', '.join(sorted(heads))}): "
            "use revision=heads to apply every branch, or merge them with 'alembic merge heads'",
            heads=sorted(heads),
        )
    unknown = [rev for rev in current if not known(script, rev)]
    if unknown:
        # Typical after a rollback of the code: a newer release migrated the database.
        raise HelperError(
            "unknown_revision",
            f"the database is at {', '.join(unknown)}, which these migration scripts do not contain "
            f"(their heads: {', '.join(sorted(heads))})",
            heads=sorted(heads),
            current=current,
        )
    current_tuple = tuple(current)
    try:
        if direction == "upgrade":
            steps = list(reversed(list(script.iterate_revisions(revision, current_tuple, implicit_base=True))))
        else:
            steps = list(script.iterate_revisions(current_tuple, revision, select_for_downgrade=True))
    except MultipleHeads as exc:
        raise HelperError("multiple_heads", last_line(exc), heads=sorted(heads)) from exc
    except RangeNotAncestorError as exc:
        raise HelperError("invalid_target", f"cannot {direction} to {revision}: {last_line(exc)}") from exc
    except (ResolutionError, CommandError) as exc:
        raise HelperError("unknown_revision", f"unknown revision {revision!r}: {last_line(exc)}") from exc
    return [describe(step) for step in steps]


def ancestors(script, revisions):
    if not revisions:
        return set()
    return {s.revision for s in script.iterate_revisions(tuple(revisions), "base", inclusive=True)}


def done_steps(script, pending, after, direction):
    """Which of the planned steps the database now reflects."""
    reached = ancestors(script, after)
    if direction == "upgrade":
        return [step for step in pending if step["revision"] in reached]
    return [step for step in pending if step["revision"] not in reached]


def migrate(config, script, request, current, pending):
    from alembic import command

    run = command.upgrade if request["direction"] == "upgrade" else command.downgrade
    try:
        run(config, request["revision"])
    except Exception as exc:
        try:
            after = read_current(config, script)
        except HelperError:
            after = None
        applied = done_steps(script, pending, after or [], request["direction"]) if after is not None else []
        failed = next((step for step in pending if step not in applied), None)
        left_at = ", ".join(after) if after else ("base" if after is not None else "unknown")
        failed_id = failed["revision"] if failed else "unknown"
        raise HelperError(
            "migration_failed",
            f"migration {failed_id} failed: {last_line(exc)}; the database is at {left_at}",
            failed_revision=failed_id,
            error=last_line(exc),
            applied=applied,
            current=after,
            traceback=traceback.format_exc(),
        ) from exc
    after = read_current(config, script)
    return after, done_steps(script, pending, after, request["direction"])


def offline_sql(config, script, buffer, request):
    from alembic import command

    start = request.get("sql_from")
    if start is None:
        current = read_current(config, script)
        start = ",".join(current) if current else "base"
    run = command.upgrade if request["direction"] == "upgrade" else command.downgrade
    run(config, f"{start}:{request['revision']}", sql=True)
    return start, buffer.getvalue()


def handle(request):
    config, script, buffer = load(request)
    result = {"heads": sorted(script.get_heads())}
    if request["action"] == "sql":
        result["sql_from"], result["sql"] = offline_sql(config, script, buffer, request)
        return result
    current = read_current(config, script)
    pending = plan(script, current, request["revision"], request["direction"])
    result.update(current=current, pending=pending, after=current, applied=[])
    if request["action"] == "migrate" and pending:
        result["after"], result["applied"] = migrate(config, script, request, current, pending)
    return result


def main():
    request = json.load(sys.stdin)
    try:
        answer = {"ok": True, **handle(request)}
    except HelperError as exc:
        answer = {"ok": False, "error": {"kind": exc.kind, "message": str(exc), **exc.details}}
    except Exception as exc:  # anything else still answers in JSON, with the traceback
        answer = {
            "ok": False,
            "error": {"kind": "unexpected", "message": last_line(exc), "traceback": traceback.format_exc()},
        }
    with open(request["result_path"], "w", encoding="utf-8") as result_file:
        json.dump(answer, result_file)


if __name__ == "__main__":
    main()
