#!/usr/bin/env bash
# `make demo`: start a local systemd container that stands in for a server and deploy the
# stack into it with the same command a user runs against real hosts:
#   ansible-playbook site.yml -i inventories/demo
#   demo.sh up | down
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR"

NAME=fastops-demo
DISTRO="${MOLECULE_DISTRO:-debian12}"
HTTP_PORT="${FASTOPS_DEMO_HTTP_PORT:-8080}"
HTTPS_PORT="${FASTOPS_DEMO_HTTPS_PORT:-8443}"

up() {
  activate_venv
  # The demo keeps running after this script ends, and so does the engine it needs.
  "$PROJECT_DIR/scripts/docker-engine.sh" ensure
  "$PROJECT_DIR/scripts/images.sh" "$DISTRO"
  if [ -z "$(docker ps -q --filter "name=^${NAME}$")" ]; then
    docker rm -f "$NAME" >/dev/null 2>&1 || true
    mkdir -p "$PROJECT_DIR/.cache/apt-archives/$DISTRO/partial"
    log "starting the demo server container $NAME ($DISTRO)"
    docker run -d --name "$NAME" --hostname "$NAME" --label fastops.demo=true \
      --cap-add SYS_ADMIN --cap-add NET_ADMIN --cgroupns=host \
      -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock \
      -v "$PROJECT_DIR/.cache/apt-archives/$DISTRO:/var/cache/apt/archives:rw" \
      -p "127.0.0.1:$HTTP_PORT:80" -p "127.0.0.1:$HTTPS_PORT:443" \
      --stop-signal SIGRTMIN+3 "fastops/$DISTRO:latest" >/dev/null
    for _ in $(seq 1 30); do
      state="$(docker exec "$NAME" systemctl is-system-running 2>/dev/null || true)"
      case "$state" in running|degraded) break ;; esac
      sleep 1
    done
  fi
  ansible-playbook site.yml -i inventories/demo
  cat <<EOT

The demo server is up: container $NAME ($DISTRO), deployed with
  ansible-playbook site.yml -i inventories/demo
What it runs now: host basics (UTC, C.UTF-8, ufw default-deny with 22/80/443 open,
security-only unattended upgrades), PostgreSQL with the database "demo" (owner "demo"),
tuned from the container's RAM, and Redis with the ACL user "demo"; both with nightly
verified backups. The demo FastAPI app (examples/demo-app) as release /srv/demo/current:
gunicorn + uvicorn workers on the socket /run/demo/web.sock, a Celery worker and beat, a
Dramatiq pool, migrations applied after a backup; the deploy's result: /srv/demo/last-deploy.json.
nginx in front of it: HTTPS with a self-signed certificate for "localhost" (Mozilla intermediate
TLS, HSTS, rate limit on /reports/), static files from the release, maintenance mode per site.
Monitoring on the container's loopback: node, PostgreSQL, Redis and nginx exporters, Prometheus
(scraping them, the app's /metrics and a blackbox probe of https://localhost/health) with the
shipped alert rules, and Alertmanager.
  app health:        .venv/bin/ansible fastops-demo -m fastops.stack.health_check -a 'unix_socket=/run/demo/web.sock path=/health'
  redeploy / back:   .venv/bin/ansible-playbook playbooks/deploy.yml -i inventories/demo   (rollback.yml)
  app logs:          docker exec $NAME journalctl -u demo-web -u 'demo-worker@*' -n 50
  shell on it:       docker exec -it $NAME bash
  firewall:          docker exec $NAME ufw status verbose
  database:          docker exec -it $NAME runuser -u postgres -- psql demo
  redis:             docker exec -it $NAME redis-cli --user demo --pass demo-redis-password-change-me
  backup now:        .venv/bin/ansible-playbook playbooks/backup.yml -i inventories/demo
  through nginx:     curl -k https://localhost:$HTTPS_PORT/health   (self-signed certificate; http://localhost:$HTTP_PORT redirects)
  maintenance on:    docker exec $NAME touch /var/lib/fastops-nginx/maintenance/demo   (rm to switch off)
  prometheus:        .venv/bin/ansible $NAME -m ansible.builtin.uri -a 'url=http://127.0.0.1:9090/api/v1/targets?state=active'   (also /api/v1/rules, /api/v1/alerts)
  remove it:         make demo-destroy
EOT
}

down() {
  if docker rm -f "$NAME" >/dev/null 2>&1; then log "removed $NAME"; else log "no $NAME container"; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) die "usage: $0 up|down" ;;
esac
