#!/usr/bin/env bash
# Makes a Docker engine available for cairn's Docker tests and builds their images FROM scratch
# (there is no registry here). Sourced or run by .ci/run, which then exports CAIRN_REQUIRE_DOCKER=1.
set -euo pipefail

WAIT_SECONDS="${CAIRN_DOCKER_WAIT_SECONDS:-60}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. The engine: install Debian's docker.io when `docker info` fails and dockerd is missing.
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "docker.sh: installing docker.io from Debian" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq docker.io >/dev/null
  fi
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    echo "docker.sh: starting dockerd (log: /tmp/dockerd.log)" >&2
    as_root sh -c 'nohup dockerd > /tmp/dockerd.log 2>&1 &'
  fi
  waited=0
  until docker info >/dev/null 2>&1; do
    if [ "$waited" -ge "$WAIT_SECONDS" ]; then
      echo "docker.sh: the Docker engine did not answer within ${WAIT_SECONDS}s. Last lines of /tmp/dockerd.log:" >&2
      tail -n 20 /tmp/dockerd.log >&2 || true
      echo "docker.sh: fix the engine (or raise CAIRN_DOCKER_WAIT_SECONDS) and run again." >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
fi
echo "docker.sh: engine $(docker version --format '{{.Server.Version}}' 2>/dev/null) answers" >&2

# 2. busybox-static, the shell of the test image.
if [ ! -x /usr/bin/busybox ]; then
  echo "docker.sh: installing busybox-static" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq busybox-static >/dev/null
fi

# 3. The test image (the tests build it too if it is missing; building here keeps test times even).
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
cp /usr/bin/busybox "$ctx/busybox"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
DOCKERFILE
if ! out="$(docker build -t cairn-test/busybox:latest "$ctx" 2>&1)"; then
  echo "$out" >&2
  echo "docker.sh: building the busybox test image failed (see above)" >&2
  exit 1
fi
echo "docker.sh: built cairn-test/busybox:latest" >&2

# 4. The example's build context (node + its libraries + npm packages; the image is built by cairn).
node "$ROOT/examples/docker-train/prepare-image.mjs" >/dev/null
echo "docker.sh: prepared the examples/docker-train build context" >&2
