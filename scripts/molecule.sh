#!/usr/bin/env bash
# Runs Molecule scenarios on the locally built images and prints how long each took.
#   molecule.sh [scenario ...]      default: every scenario under molecule/
# Environment:
#   MOLECULE_DISTROS="debian12 debian13"   distros to run each scenario on (default: the
#                                          scenario's file molecule/<scenario>/distros, else both;
#                                          MOLECULE_DISTRO=<one> runs on that one, file or not)
#   MOLECULE_JOBS=2                        runs side by side (any scenario, any distro)
# Per run, after clearing leftovers of an earlier one, the steps of Molecule's own test_sequence
# (.config/molecule/config.yml: create → prepare → converge → idempotence → check → side-effect
# → verify → destroy; a scenario's own can leave steps out), one `molecule <step>` at a time so
# each is timed, so `molecule test -s <scenario>` runs the same. Stricter than Molecule at one
# step: check (a --check --diff converge) also fails when it reports a change on the converged host.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR"

DISTROS="${MOLECULE_DISTROS:-${MOLECULE_DISTRO:-debian12 debian13}}"
JOBS="${MOLECULE_JOBS:-2}"
LOG_DIR="$STATE_DIR/logs"
TIMINGS="${FASTOPS_TIMINGS:-$STATE_DIR/timings.tsv}"
# What failed, one block per failed run; `make test` prints it after its table (the end of the
# output is what a CI excerpt shows), a run of this script alone prints it at its end.
FAILURES="${FASTOPS_FAILURES:-$STATE_DIR/failures.txt}"
[ -n "${FASTOPS_FAILURES:-}" ] || : >"$FAILURES"
mkdir -p "$LOG_DIR"
export NO_COLOR=1 MOLECULE_NO_COLOR=1 ANSIBLE_NOCOLOR=1 PY_COLORS=0

# shellcheck disable=SC2317  # called through trap
on_interrupt() {
  trap - INT TERM
  log "interrupted: removing test containers"
  jobs -p | xargs -r kill 2>/dev/null || true
  wait 2>/dev/null || true
  remove_test_containers fastops-
  restore_kernel_settings
  docker_down
  exit 130
}
trap on_interrupt INT TERM

# Scenarios that tune the kernel (redis: overcommit, transparent huge pages) write
# kernel-global values through their containers; put the host's own values back.
KERNEL_SETTINGS=(/proc/sys/vm/overcommit_memory /sys/kernel/mm/transparent_hugepage/enabled
  /sys/kernel/mm/transparent_hugepage/defrag)
declare -A KERNEL_SAVED=()
kernel_value() { sed 's/.*\[\(.*\)\].*/\1/' "$1"; }  # "always [madvise] never" -> madvise
save_kernel_settings() {
  local f
  for f in "${KERNEL_SETTINGS[@]}"; do
    if [ -r "$f" ]; then KERNEL_SAVED[$f]="$(kernel_value "$f")"; fi
  done
}
# shellcheck disable=SC2317  # called through trap
restore_kernel_settings() {
  local f
  for f in "${!KERNEL_SAVED[@]}"; do
    if [ "$(kernel_value "$f")" != "${KERNEL_SAVED[$f]}" ] && echo "${KERNEL_SAVED[$f]}" 2>/dev/null >"$f"; then
      log "restored $f to ${KERNEL_SAVED[$f]}"
    fi
  done
}

# A --check --diff run on a converged host must report zero changes.
assert_check_mode_clean() {
  local out="$1"
  molecule converge -s "$scenario" -- --check --diff >"$out" 2>&1 || return 1
  if grep -Eq 'changed=[1-9]' "$out"; then
    grep -E '^(TASK|changed:)' "$out" | grep -B1 '^changed:' >&2 || true
    echo "check mode reported changes on a converged host (see $out)" >&2
    return 1
  fi
}

# The steps Molecule itself would run for `molecule test -s <scenario>` (shared config plus the
# scenario's own test_sequence), read back from `molecule matrix`; destroy runs at the end
# whatever happened, so it is not taken from the list.
KNOWN_STEPS="create prepare converge idempotence check side-effect verify"
scenario_steps() {
  local steps
  steps="$(molecule matrix -s "$1" test 2>/dev/null | sed -n 's/^ *[├└]─ \([a-z_]*\).*/\1/p' | tr _ -)"
  [ -n "$steps" ] || die "molecule matrix -s $1 test listed no steps"
  local step unknown=""
  for step in $steps; do
    [[ " $KNOWN_STEPS destroy " == *" $step "* ]] || unknown="$unknown $step"
  done
  [ -z "$unknown" ] || die "scenario $1: this script does not run the steps:$unknown (it runs $KNOWN_STEPS)"
  for step in $steps; do [ "$step" = destroy ] || printf '%s ' "$step"; done
}

# Molecule's own create and destroy playbooks poll async docker tasks, which Mitogen's
# strategy leaves waiting; every other step runs with it.
strategy_for() { case "$1" in create | destroy) echo linear ;; *) echo mitogen_linear ;; esac; }

run_one() {
  local scenario="$1" distro="$2"
  local log="$LOG_DIR/molecule-$scenario-$distro.log" start step rc=0
  export MOLECULE_DISTRO="$distro"
  export MOLECULE_EPHEMERAL_DIRECTORY="$PROJECT_DIR/.cache/molecule/$scenario-$distro"
  mkdir -p "$PROJECT_DIR/.cache/apt-archives/$distro/partial"
  mkdir -p "$PROJECT_DIR/.cache/pip/$distro"
  start=$(date +%s)
  : >"$log"
  # Leftovers of an interrupted run: its containers and Molecule's half-pruned state.
  remove_test_containers "fastops-$scenario-$distro"
  rm -rf "$MOLECULE_EPHEMERAL_DIRECTORY"
  for step in ${SCENARIO_STEPS[$scenario]}; do
    echo "=== molecule $step ($scenario, $distro) at +$(( $(date +%s) - start ))s" >>"$log"
    if [ "$step" = check ]; then
      assert_check_mode_clean "$LOG_DIR/molecule-$scenario-$distro-check.log" >>"$log" 2>&1 || rc=1
    else
      ANSIBLE_STRATEGY="$(strategy_for "$step")" molecule "$step" -s "$scenario" >>"$log" 2>&1 || rc=1
    fi
    [ "$rc" -eq 0 ] || break
  done
  local step_end
  step_end=$(wc -l <"$log")
  ANSIBLE_STRATEGY="$(strategy_for destroy)" molecule destroy -s "$scenario" >>"$log" 2>&1 || true
  local secs=$(( $(date +%s) - start ))
  if [ "$rc" -eq 0 ]; then
    printf 'molecule %s (%s)\t%s\tok\n' "$scenario" "$distro" "$secs" >>"$TIMINGS"
    log "molecule $scenario ($distro): ok in ${secs}s"
  else
    printf 'molecule %s (%s)\t%s\tFAILED at %s\n' "$scenario" "$distro" "$secs" "$step" >>"$TIMINGS"
    log "molecule $scenario ($distro): FAILED at '$step' after ${secs}s; the step's last lines ($log):"
    head -n "$step_end" "$log" | tail -n 60 >&2
    # pytest's failed tests and assertion lines, Ansible's failed tasks (with the TASK line
    # before each), a Python traceback's last line, the idempotence and check steps' changes.
    local why='^(FAILED|ERROR) [^-]|^E  |^fatal: |^[A-Za-z.]*(Error|Exception): |^check mode reported|^CRITICAL |^\* \['
    [ "$step" != idempotence ] || why="$why|^changed: "
    { echo "molecule $scenario ($distro), $step:"
      head -n "$step_end" "$log" | grep -av 'glob failed' | grep -aE "$why|^TASK \\[" | grep -aB1 -E "$why" \
        | grep -av '^--$' | cut -c1-300 | tail -n 40
    } >>"$FAILURES"
  fi
  return "$rc"
}

# Longest first, so that the short runs fill the other slot meanwhile and no long run is left
# alone at the end; the scenarios not named here follow in name order.
LONGEST_FIRST=(multinode stack python_app nginx)

scenarios=("$@")
if [ "${#scenarios[@]}" -eq 0 ]; then
  scenarios=("${LONGEST_FIRST[@]}")
  for dir in molecule/*/; do
    name="$(basename "$dir")"
    if [ -f "$dir/molecule.yml" ] && [[ " ${LONGEST_FIRST[*]} " != *" $name "* ]]; then
      scenarios+=("$name")
    fi
  done
fi

activate_venv
# Mitogen keeps one Python interpreter per test host and runs each module call in it, instead of
# a docker exec and a fresh Python per call (on these 2-core machines the calls' CPU is where a
# scenario's time goes). Molecule's converge, idempotence, check and side effect use it; the
# playbook runs that stand for a user's (molecule/shared/tasks/run_playbook.yml) use Ansible's own.
python -c 'import ansible_mitogen' 2>/dev/null || "$PROJECT_DIR/scripts/venv.sh"
ANSIBLE_STRATEGY_PLUGINS="$(python -c 'import ansible_mitogen, os; print(os.path.dirname(ansible_mitogen.__file__))')/plugins/strategy"
export ANSIBLE_STRATEGY_PLUGINS ANSIBLE_STRATEGY=mitogen_linear
docker_up
save_kernel_settings
trap 'restore_kernel_settings; docker_down' EXIT
# shellcheck disable=SC2086  # one argument per distro
"$PROJECT_DIR/scripts/images.sh" $DISTROS
remove_test_containers fastops-

# The distros a scenario runs on: MOLECULE_DISTROS (or MOLECULE_DISTRO) when set, else the
# scenario's own `distros` file, else both. Each role is converged on both distros in every
# full run: its own scenario on one, the fleet (Debian 12) or the stack (Debian 13) on the other.
scenario_distros() {
  if [ -n "${MOLECULE_DISTROS:-${MOLECULE_DISTRO:-}}" ] || [ ! -f "molecule/$1/distros" ]; then
    echo "$DISTROS"
  else
    cat "molecule/$1/distros"
  fi
}

# One queue of (scenario, distro) runs, MOLECULE_JOBS at a time, so that a long run (the
# multinode fleet) overlaps with shorter ones. Runs that share an apt archive (same distro)
# never overlap: apt locks its archive directory (multinode's hosts have archives of their own).
queue=()
declare -A SCENARIO_STEPS=()
for scenario in "${scenarios[@]}"; do
  [ -f "molecule/$scenario/molecule.yml" ] || die "no Molecule scenario '$scenario' (molecule/$scenario/molecule.yml)"
  SCENARIO_STEPS[$scenario]="$(scenario_steps "$scenario")" || die "cannot read the steps of scenario $scenario"
  for distro in $(scenario_distros "$scenario"); do queue+=("$scenario $distro"); done
done
# A scenario whose hosts mount apt-archives/<scenario>-<host> has archives of its own.
archive_of() { if grep -q "apt-archives/$1-" "molecule/$1/molecule.yml"; then echo "$1"; else echo "$2"; fi; }

failed=0
declare -A busy=()  # pid -> apt archive in use
while [ "${#queue[@]}" -gt 0 ] || [ "${#busy[@]}" -gt 0 ]; do
  started=""
  if [ "${#busy[@]}" -lt "$JOBS" ]; then
    for i in "${!queue[@]}"; do
      # shellcheck disable=SC2086  # "scenario distro" splits into the two arguments
      archive="$(archive_of ${queue[$i]})"
      if [[ " ${busy[*]} " != *" $archive "* ]]; then
        # shellcheck disable=SC2086
        run_one ${queue[$i]} &
        busy[$!]="$archive"
        unset "queue[$i]"
        queue=("${queue[@]}")
        started=yes
        break
      fi
    done
  fi
  if [ -z "$started" ]; then
    wait -n -p finished || failed=1
    unset "busy[$finished]"
  fi
done
[ -n "${FASTOPS_FAILURES:-}" ] || [ ! -s "$FAILURES" ] || { echo; cat "$FAILURES"; }
exit "$failed"
