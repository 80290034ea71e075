#!/usr/bin/env bash
# `make bench`: measured figures of the single-host stack (the demo inventory's group_vars on
# a fresh container), each the median of several runs, printed as the README's table:
#   cold converge of site.yml, a no-change site.yml (with a per-role breakdown), a no-change
#   deploy.yml, a code-only redeploy (one changed file) under load through nginx with its
#   failed requests, and requests/s of the app's JSON endpoint through nginx+TLS vs straight
#   to gunicorn (wrk, same workers, same run, keep-alive on both) with their ratio.
# Environment: BENCH_RUNS=3 (runs per figure), BENCH_COLD_RUNS=$BENCH_RUNS (each is a fresh
# container; 0 converges one without timing it), BENCH_DISTRO=debian12, BENCH_SECONDS=10
# (per wrk run), BENCH_CONNECTIONS=16, BENCH_KEEP=1 (leave the container running), BENCH_STEPS.
# The apt and pip caches under .cache are shared with the Molecule runs: a cold converge
# installs from them when they are warm (the report prints their size at the start).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR"

RUNS="${BENCH_RUNS:-3}"
COLD_RUNS="${BENCH_COLD_RUNS:-$RUNS}"
DISTRO="${BENCH_DISTRO:-debian12}"
SECONDS_PER_LOAD="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
NAME=fastops-bench
# BENCH_STEPS="throughput" re-measures one figure on the container a BENCH_KEEP=1 run left.
STEPS="${BENCH_STEPS:-cold no_change code_only throughput}"
WORK="$STATE_DIR/bench"
INVENTORY="$WORK/inventory"
RESULTS="$WORK/results.tsv"
# The gunicorn port of the bench host: wrk speaks TCP only, so the app listens on loopback TCP
# here (the demo uses a Unix socket) and nginx proxies to that same listener.
APP_TCP=127.0.0.1:8000

now() { date +%s.%N; }
since() { python3 -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))' "$1" "$(now)"; }
record() { printf '%s\t%s\n' "$1" "$2" >>"$RESULTS"; }
forget() { local key; for key in "$@"; do sed -i "/^$key\t/d" "$RESULTS"; done; }
values() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$RESULTS"; }
total() { values "$1" | awk '{ n += $1 } END { print n + 0 }'; }
median() {
  values "$1" | python3 -c 'import statistics, sys; v = [float(x) for x in sys.stdin.read().split()]; print(round(statistics.median(v), 1) if v else "not run")'
}
runs() { values "$1" | paste -sd' '; }

write_inventory() {
  rm -rf "$INVENTORY"
  mkdir -p "$INVENTORY/host_vars"
  ln -s "$PROJECT_DIR/inventories/demo/group_vars" "$INVENTORY/group_vars"
  cat >"$INVENTORY/hosts.yml" <<EOF
# Written by scripts/bench.sh: one container in every group, the demo's group_vars.
all:
  hosts:
    $NAME:
      ansible_connection: community.docker.docker
      ansible_python_interpreter: /usr/bin/python3
  children:
    postgresql: {hosts: {$NAME: {}}}
    redis: {hosts: {$NAME: {}}}
    app: {hosts: {$NAME: {}}}
    web: {hosts: {$NAME: {}}}
    monitoring: {hosts: {$NAME: {}}}
EOF
  cat >"$INVENTORY/host_vars/$NAME.yml" <<EOF
python_app_source: {type: dir, path: "$PROJECT_DIR/examples/demo-app"}
python_app_web_tcp: "$APP_TCP"
nginx_sites:
  - name: demo
    server_names: [localhost]
    upstream_servers: ["$APP_TCP"]
    app_keepalive_timeout: "{{ python_app_web_keepalive | default(5) }}"
    certificate: selfsigned
    static:
      - {path: /static/, alias: /srv/demo/current/backend/static/}
    rate_limits:
      - {path: /reports/, zone: api, burst: 20}
EOF
}

start_container() {
  docker rm -f "$NAME" >/dev/null 2>&1 || true
  mkdir -p "$PROJECT_DIR/.cache/apt-archives/$DISTRO/partial" "$PROJECT_DIR/.cache/pip/$DISTRO"
  docker run -d --name "$NAME" --hostname "$NAME" --label fastops.bench=true \
    --cap-add SYS_ADMIN --cap-add NET_ADMIN --cgroupns=host \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock \
    -v "$PROJECT_DIR/.cache/apt-archives/$DISTRO:/var/cache/apt/archives:rw" \
    -v "$PROJECT_DIR/.cache/pip/$DISTRO:/var/cache/fastops-pip:rw" \
    --stop-signal SIGRTMIN+3 "fastops/$DISTRO:latest" >/dev/null
  local state
  for _ in $(seq 1 30); do
    state="$(docker exec "$NAME" systemctl is-system-running 2>/dev/null || true)"
    case "$state" in running | degraded) return 0 ;; esac
    sleep 1
  done
  die "container $NAME did not boot (systemd: $state)"
}

# Runs ansible-playbook against the bench inventory; its output goes to $WORK/<label>.log.
playbook() {
  local label="$1"
  shift
  ANSIBLE_NOCOLOR=1 ansible-playbook -i "$INVENTORY" "$@" >"$WORK/$label.log" 2>&1 \
    || { tail -n 40 "$WORK/$label.log" >&2; die "ansible-playbook $* failed (see $WORK/$label.log)"; }
}

changed_count() { grep -Eo 'changed=[0-9]+' "$1" | tail -n 1 | cut -d= -f2; }

# BENCH_COLD_RUNS=0 converges one container without timing it (to measure the rest quickly).
bench_cold() {
  local i start
  forget cold
  if [ "$COLD_RUNS" -eq 0 ]; then
    start_container
    playbook cold-untimed site.yml
    return
  fi
  for i in $(seq 1 "$COLD_RUNS"); do
    start_container
    start=$(now)
    playbook "cold-$i" site.yml
    record cold "$(since "$start")"
    log "cold converge $i/$COLD_RUNS: $(values cold | tail -n 1) s"
  done
}

bench_no_change() {
  local i start
  forget site_noop site_noop_changed deploy_noop deploy_noop_changed
  for i in $(seq 1 "$RUNS"); do
    start=$(now)
    if [ "$i" -eq 1 ]; then
      ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_roles playbook "site-noop-$i" site.yml
    else
      playbook "site-noop-$i" site.yml
    fi
    record site_noop "$(since "$start")"
    record site_noop_changed "$(changed_count "$WORK/site-noop-$i.log")"
  done
  for i in $(seq 1 "$RUNS"); do
    start=$(now)
    playbook "deploy-noop-$i" playbooks/deploy.yml
    record deploy_noop "$(since "$start")"
    record deploy_noop_changed "$(changed_count "$WORK/deploy-noop-$i.log")"
  done
}

# Each run ships the demo app with one more comment line in one file: a new release with the
# same dependencies and migrations, while a bounded client asks through nginx.
bench_code_only() {
  local i start src load
  forget code_only code_only_requests code_only_failures
  rm -f "$WORK"/nginx-upstream-errors-*.log
  docker exec "$NAME" mkdir -p /var/tmp/fastops-bench
  docker cp tests/benchmarks/zero_downtime.py "$NAME:/var/tmp/fastops-bench/zero_downtime.py"
  for i in $(seq 1 "$RUNS"); do
    src="$WORK/code-$i"
    rm -rf "$src"
    cp -a examples/demo-app "$src"
    echo "# bench change $i" >>"$src/backend/app/ticker.py"
    printf '{"python_app_source": {"type": "dir", "path": "%s"}}\n' "$src" >"$WORK/code-$i.json"
    docker exec "$NAME" rm -f /var/tmp/fastops-bench/done
    docker exec "$NAME" sh -c 'python3 /var/tmp/fastops-bench/zero_downtime.py --url https://localhost/ready \
      --concurrency 8 --rate 100 --min-requests 1 --max-seconds 300 --stop-file /var/tmp/fastops-bench/done \
      >/var/tmp/fastops-bench/load.json 2>&1' &
    load=$!
    start=$(now)
    playbook "deploy-code-$i" playbooks/deploy.yml -e "@$WORK/code-$i.json"
    record code_only "$(since "$start")"
    docker exec "$NAME" sh -c "echo $(values code_only | tail -n 1) >/var/tmp/fastops-bench/done"
    wait "$load" || true
    docker exec "$NAME" cat /var/tmp/fastops-bench/load.json >"$WORK/load-$i.json"
    # What nginx said about the requests that failed (empty when none did).
    docker exec "$NAME" sh -c 'grep -h "upstream" /var/log/nginx/demo.error.log || true' \
      >"$WORK/nginx-upstream-errors-$i.log"
    docker exec "$NAME" truncate -s 0 /var/log/nginx/demo.error.log
    record code_only_requests "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"])' "$WORK/load-$i.json")"
    record code_only_failures "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failures"])' "$WORK/load-$i.json")"
  done
}

# wrk in the container against both listeners, alternating, same connections and duration.
bench_throughput() {
  local i target rps errors
  forget rps_nginx rps_direct errors_nginx errors_direct
  docker exec "$NAME" sh -c 'command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null'
  for i in $(seq 1 "$RUNS"); do
    for target in nginx direct; do
      local url="https://localhost/ready"
      [ "$target" = direct ] && url="http://$APP_TCP/ready"
      docker exec "$NAME" wrk -t 2 -c "$CONNECTIONS" -d "${SECONDS_PER_LOAD}s" "$url" >"$WORK/wrk-$target-$i.log"
      rps="$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk-$target-$i.log")"
      # Socket errors straight to gunicorn are mostly workers recycled by max_requests closing
      # kept-alive connections (nginx retries those); they are counted, not hidden.
      errors="$(awk '/^Non-2xx/ { n += $NF } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' \
        "$WORK/wrk-$target-$i.log")"
      record "rps_$target" "$rps"
      record "errors_$target" "$errors"
    done
  done
}

report() {
  local nginx direct
  nginx="$(median rps_nginx)"
  direct="$(median rps_direct)"
  echo
  echo "fastops.stack bench — $DISTRO container, $(nproc) cores, $(date -u +%Y-%m-%d); median of the runs shown"
  echo "caches at the start: $CACHES"
  echo
  echo "| Figure | Median | Runs | Target |"
  echo "| --- | ---: | --- | --- |"
  echo "| Cold converge of site.yml (fresh container) | $(median cold) s | $(runs cold) | — |"
  echo "| No-change site.yml | $(median site_noop) s | $(runs site_noop) (changed: $(runs site_noop_changed)) | ≤ 30 s |"
  echo "| No-change deploy.yml | $(median deploy_noop) s | $(runs deploy_noop) (changed: $(runs deploy_noop_changed)) | — |"
  echo "| Code-only redeploy (deploy.yml, one changed file) | $(median code_only) s | $(runs code_only) | ≤ 30 s |"
  echo "| Failed requests during those redeploys (through nginx) | $(total code_only_failures) of $(total code_only_requests) | | 0 |"
  echo "| Requests/s, GET /ready through nginx + TLS | $nginx | $(runs rps_nginx) (errors: $(runs errors_nginx)) | — |"
  echo "| Requests/s, GET /ready straight to gunicorn | $direct | $(runs rps_direct) (errors: $(runs errors_direct)) | — |"
  echo "| Ratio nginx+TLS / direct | $(python3 -c "print(round($nginx / $direct, 2))") | | ≥ 0.85 |"
  echo
  echo "nginx's upstream errors during the code-only redeploys (none means none):"
  cat "$WORK"/nginx-upstream-errors-*.log | sed -E 's/^.*\[error\] [0-9]+#[0-9]+: \*[0-9]+ //; s/, client: .*//' \
    | sort | uniq -c | sort -rn | head -n 5
  echo
  echo "Per-role time of the first no-change site.yml (ansible.posix.profile_roles):"
  sed -n '/^ROLES RECAP/,$p' "$WORK/site-noop-1.log" | grep -E ' -+ [0-9.]+s$' || true
}

activate_venv
docker_up
# BENCH_KEEP=1 leaves the converged container (and the engine) running for a look inside.
if [ "${BENCH_KEEP:-0}" = 1 ]; then
  trap 'log "kept $NAME (docker rm -f $NAME removes it)"' EXIT
else
  trap 'docker rm -f "$NAME" >/dev/null 2>&1 || true; docker_down' EXIT
fi
"$PROJECT_DIR/scripts/images.sh" "$DISTRO"
mkdir -p "$WORK"
touch "$RESULTS"
CACHES="apt $(find "$PROJECT_DIR/.cache/apt-archives/$DISTRO" -name '*.deb' 2>/dev/null | wc -l) packages, pip $(du -sh "$PROJECT_DIR/.cache/pip/$DISTRO" 2>/dev/null | cut -f1)"
write_inventory
for step in $STEPS; do "bench_$step"; done
report | tee "$WORK/report.md"
