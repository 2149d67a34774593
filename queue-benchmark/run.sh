#!/usr/bin/env bash
# queue-benchmark: one command for the whole comparison (issue 6).
#
#   queue-benchmark/run.sh            full run: 3 runs of every scenario, every system (about 2 h on 2 cores)
#   queue-benchmark/run.sh --quick    smoke run: tiny counts, 1 run (~15 min, most of it JVM/Spring start-up)
#
# Any further options go to the driver (io.asyncqueue.benchmark.Harness), e.g.
#   --runs 5   --systems ours,bullmq   --scenarios drain-c8,latency   --profile   --out DIR
#
# It builds queue-core and this module (./mvnw -pl queue-benchmark -am package), builds the
# Rqueue peer app (./mvnw -f peers/rqueue/pom.xml package), installs the BullMQ peer's pinned npm
# packages into peers/bullmq/node_modules, builds the JobRunr peer app (./mvnw -f peers/jobrunr/pom.xml
# package) and makes sure PostgreSQL's programs are there (Debian's postgresql package, installed with
# apt-get as root when missing), then starts one private redis-server on a free 127.0.0.1 port (and, for
# JobRunr, one private PostgreSQL cluster made with initdb in a temporary directory, on another free
# 127.0.0.1 port, stopped and deleted at the end) and runs each system's adapter against them. Results: queue-benchmark/results/ (full) or
# queue-benchmark/target/quick-results/ (--quick).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
systems="ours,ours-no-timeout,bullmq,bullmq-tuned,rqueue,rqueue-tuned,rqueue-nohistory,jobrunr,jobrunr-tuned"
args=("$@")
redis_port=""
postgres_bin=""
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[$i]}" == "--systems" ]]; then systems="${args[$((i + 1))]}"; fi
  if [[ "${args[$i]}" == "--redis-port" ]]; then redis_port="${args[$((i + 1))]}"; fi
  if [[ "${args[$i]}" == "--postgres-bin" ]]; then postgres_bin="${args[$((i + 1))]}"; fi
done

REDIS_SERVER="${REDIS_SERVER:-$(command -v redis-server || echo /usr/bin/redis-server)}"
# with --redis-port the driver uses a server already running and starts none
[[ -n "$redis_port" || -x "$REDIS_SERVER" ]] || { echo "redis-server not found (set REDIS_SERVER)" >&2; exit 1; }

echo "== building queue-core and queue-benchmark"
(cd "$root" && ./mvnw -q -B -pl queue-benchmark -am -DskipTests package)

if [[ ",$systems," == *",rqueue"* ]]; then
  echo "== building the Rqueue peer (Spring Boot 3.0, its own JVM)"
  (cd "$root" && ./mvnw -q -B -f queue-benchmark/peers/rqueue/pom.xml -DskipTests package)
fi

if [[ ",$systems," == *",jobrunr"* ]]; then
  echo "== building the JobRunr peer (Spring Boot 4, its own JVM, on PostgreSQL)"
  (cd "$root" && ./mvnw -q -B -f queue-benchmark/peers/jobrunr/pom.xml -DskipTests package)
  if [[ -n "$postgres_bin" ]]; then
    [[ -x "$postgres_bin/initdb" ]] || { echo "no initdb in --postgres-bin $postgres_bin" >&2; exit 1; }
  elif ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
      echo "== installing PostgreSQL from Debian's packages (its programs only: the harness starts its own cluster)"
      # No system cluster, no service: Debian's package would otherwise create and start 'main' on port 5432.
      if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
        mkdir -p /etc/postgresql-common && echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
      fi
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Options::=--force-confold \
        postgresql >/dev/null
    else
      echo "PostgreSQL not found under /usr/lib/postgresql: install Debian's postgresql package" >&2; exit 1
    fi
  fi
fi

if [[ ",$systems," == *",bullmq"* ]]; then
  echo "== installing the BullMQ peer's pinned packages"
  command -v node >/dev/null || { echo "node not found" >&2; exit 1; }
  # npm ci trips over the optional platform packages of msgpackr-extract; install honours the lock file.
  (cd "$here/peers/bullmq" && npm install --no-audit --no-fund --loglevel=error)
fi

echo "== running"
cd "$root"
exec java -Xms256m -Xmx512m -cp "$here/target/classes:$here/target/lib/*" io.asyncqueue.benchmark.Harness \
  --module-dir "$here" --redis-server "$REDIS_SERVER" --classpath "$here/target/classes:$here/target/lib/*" "$@"
