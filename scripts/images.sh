#!/usr/bin/env bash
# Builds the Molecule base images fastops/debian12 and fastops/debian13 from Debian
# packages (debootstrap + docker import): no image registry is needed. An image is rebuilt
# only when its recipe (RECIPE_VERSION, packages, tests/images/*, the host's extra
# CAs) changes.
#   images.sh [debian12|debian13 ...]   default: both
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

MIRROR="${FASTOPS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# Bump RECIPE_VERSION when the build steps below change; packages, suite and the files in
# tests/images are part of the recipe hash already.
RECIPE_VERSION=1
PACKAGES="systemd,systemd-sysv,dbus,python3,python3-apt,sudo,iproute2,ca-certificates,procps"
IMAGE_DIR="$PROJECT_DIR/tests/images"

suite_of() {
  case "$1" in
    debian12) echo bookworm ;;
    debian13) echo trixie ;;
    *) die "unknown distro '$1' (known: debian12, debian13)" ;;
  esac
}

extra_cas() { find /usr/local/share/ca-certificates -name '*.crt' -type f 2>/dev/null | sort; }

recipe_hash() {
  local suite="$1"
  {
    echo "$RECIPE_VERSION $suite $MIRROR $PACKAGES"
    cat "$IMAGE_DIR"/*
    extra_cas | xargs -r cat
  } | sha256sum | cut -c1-16
}

build() {
  local distro="$1" suite hash tag current rootfs
  suite="$(suite_of "$distro")"
  hash="$(recipe_hash "$suite")"
  tag="fastops/$distro:latest"
  current="$(docker image inspect -f '{{ index .Config.Labels "fastops.recipe" }}' "$tag" 2>/dev/null || true)"
  if [ "$current" = "$hash" ]; then
    log "image $tag is current (recipe $hash)"
    return 0
  fi
  apt_ensure debootstrap debian-archive-keyring
  rootfs="$(mktemp -d /var/tmp/fastops-rootfs-XXXXXX)"
  # shellcheck disable=SC2064
  trap "as_root rm -rf '$rootfs'" RETURN
  log "building $tag from Debian $suite (recipe $hash)"
  mkdir -p "$PROJECT_DIR/.cache/debootstrap/$suite"
  as_root debootstrap --variant=minbase --include="$PACKAGES" \
    --cache-dir="$PROJECT_DIR/.cache/debootstrap/$suite" \
    "$suite" "$rootfs" "$MIRROR" >"$STATE_DIR/debootstrap-$suite.log" 2>&1 \
    || die "debootstrap $suite failed; see $STATE_DIR/debootstrap-$suite.log"

  as_root rm -f "$rootfs/etc/apt/sources.list"
  sed "s/@SUITE@/$suite/g" "$IMAGE_DIR/debian.sources.tmpl" \
    | as_root tee "$rootfs/etc/apt/sources.list.d/debian.sources" >/dev/null
  # Networks that intercept TLS (corporate proxies, this CI) need their CAs trusted
  # inside the test hosts too, or pip/curl in a container fail certificate checks.
  local ca
  for ca in $(extra_cas); do as_root cp "$ca" "$rootfs/usr/local/share/ca-certificates/"; done
  as_root chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' | as_root tee "$rootfs/etc/pip.conf" >/dev/null
  as_root install -D -m 0644 "$IMAGE_DIR/zz-container.conf" "$rootfs/etc/systemd/system/service.d/zz-container.conf"
  # Module payloads' bytecode kept between calls (see the file): test-host CPU, nothing else.
  as_root install -m 0644 "$IMAGE_DIR/fastops_test_bytecode.py" "$IMAGE_DIR/fastops-test-bytecode.pth" \
    "$rootfs/usr/lib/python3/dist-packages/"
  # Each container gets its own machine-id at boot; no getty in a container.
  as_root sh -c ": >'$rootfs/etc/machine-id'"
  as_root chroot "$rootfs" systemctl mask getty@tty1.service console-getty.service >/dev/null 2>&1 || true
  as_root chroot "$rootfs" apt-get clean

  as_root tar -C "$rootfs" -c . | docker import \
    -c 'CMD ["/lib/systemd/systemd"]' -c 'ENV container=docker' \
    -c "LABEL fastops.recipe=$hash" -c "LABEL fastops.suite=$suite" \
    - "$tag" >/dev/null
  log "built $tag"
}

docker_up
trap docker_down EXIT
distros=("$@")
[ "${#distros[@]}" -gt 0 ] || distros=(debian12 debian13)
for d in "${distros[@]}"; do build "$d"; done
