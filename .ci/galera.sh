#!/usr/bin/env bash
# A 3-node MariaDB Galera cluster on loopback, for cli's TestGaleraCluster
# and for measuring (docs/deploy.md, "A Galera cluster"):
#
#   .ci/galera.sh go test -run TestGaleraCluster ./cli/   # around a command
#   dir=$(.ci/galera.sh start)                            # or start …
#   export FIRSTASK_TEST_GALERA_DSNS=$(cat "$dir/dsns")
#   .ci/galera.sh stop "$dir"                             # … and stop
#
# It starts the nodes (data in /dev/shm when it can), waits until every
# node reports wsrep_cluster_size=3 and is Synced, and gives the three
# nodes' DSNs (user firstask/firstask), comma-separated: around a command,
# in FIRSTASK_TEST_GALERA_DSNS, stopping the cluster when the command ends
# whatever its outcome (the exit code is the command's); with start, in
# the file dsns of the directory it prints, the cluster running until stop.
#
# Ports (chosen away from CI's MariaDB on 3307 and the shared development
# one on 3309): SQL 3321–3323; group communication (gmcast.listen_addr)
# 4561–4563; incremental state transfer (ist.recv_addr) 4565–4567; rsync
# state transfer (wsrep_sst_receive_address) 4569–4571. Override the bases
# with GALERA_PORT_BASE (SQL: node i on base+i) and GALERA_GCOMM_BASE
# (gmcast base+i, IST base+4+i, SST base+8+i).
#
# Facts measured when this was written (Debian 12, MariaDB 10.11, galera-4
# 26.4): rsync state transfer runs its daemon as an unprivileged user, so
# the joiners' data directories must be readable and writable by it (the
# donor logs "cannot stat destination: Permission denied" otherwise): the
# nodes run as the mysql user and own their directories.
# binlog_format=ROW and innodb_autoinc_lock_mode=2 are required by Galera;
# the first node bootstraps with --wsrep-new-cluster, the others join it.
set -euo pipefail
if [ $# -eq 0 ]; then echo "usage: $0 command [args…] | start | stop DIR" >&2; exit 2; fi

need=()
command -v mariadbd >/dev/null 2>&1 || need+=(mariadb-server)
[ -f /usr/lib/galera/libgalera_smm.so ] || need+=(galera-4)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
command -v ss >/dev/null 2>&1 || command -v lsof >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

stop() {
  for i in 3 2 1; do
    [ -S "$G/n$i/mysqld.sock" ] && mariadb-admin --socket="$G/n$i/mysqld.sock" -uroot shutdown >/dev/null 2>&1 || true
  done
  for i in 1 2 3; do
    if [ -f "$G/n$i/mysqld.pid" ]; then
      pid=$(cat "$G/n$i/mysqld.pid" 2>/dev/null || true)
      for _ in $(seq 1 50); do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$G"
}
if [ "$1" = stop ]; then
  G=${2:?usage: $0 stop DIR}
  [ -f "$G/dsns" ] || { echo "$G is not a cluster this script started" >&2; exit 2; }
  stop
  exit 0
fi

BASE=${GALERA_PORT_BASE:-3320}
if [ -d /dev/shm ] && [ -w /dev/shm ]; then G=$(mktemp -d -p /dev/shm galera.XXXXXX); else G=$(mktemp -d -t galera.XXXXXX); fi
chmod 755 "$G"
RUN_AS=root
if [ "$(id -u)" = 0 ] && id mysql >/dev/null 2>&1; then RUN_AS=mysql; fi
trap stop EXIT

GB=${GALERA_GCOMM_BASE:-4560}
addr="gcomm://127.0.0.1:$((GB + 1)),127.0.0.1:$((GB + 2)),127.0.0.1:$((GB + 3))"
start_node() {
  local i=$1; shift
  local d="$G/n$i"
  mkdir -p "$d"
  mariadb-install-db --no-defaults --user="$RUN_AS" --datadir="$d/data" --auth-root-authentication-method=normal --skip-test-db >/dev/null
  [ "$RUN_AS" = root ] && chmod -R a+rwX "$d" || chown -R "$RUN_AS": "$d"
  mariadbd --no-defaults --user="$RUN_AS" --datadir="$d/data" --socket="$d/mysqld.sock" --port=$((BASE + i)) \
    --bind-address=127.0.0.1 --pid-file="$d/mysqld.pid" --log-error="$d/err.log" --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --innodb-flush-log-at-trx-commit=2 \
    --innodb-buffer-pool-size=128M --max-connections=500 \
    --binlog-format=ROW --innodb-autoinc-lock-mode=2 --default-storage-engine=InnoDB \
    --wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so \
    --wsrep-cluster-name=firstask-ci --wsrep-cluster-address="$addr" \
    --wsrep-node-name="n$i" --wsrep-node-address=127.0.0.1 \
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$((GB + i));ist.recv_addr=127.0.0.1:$((GB + 4 + i));gcache.size=64M" \
    --wsrep-sst-method=rsync --wsrep-sst-receive-address=127.0.0.1:$((GB + 8 + i)) \
    --wsrep-slave-threads=2 "$@" >>"$d/stderr.log" 2>&1 &
}

sql() { mariadb --socket="$G/n$1/mysqld.sock" -uroot -N -B -e "$2" 2>/dev/null; }
wait_synced() { # node, want cluster size, timeout in seconds
  local i=$1 want=$2 t=$(( $3 * 5 ))
  for _ in $(seq 1 $t); do
    if [ "$(sql "$i" "SHOW STATUS LIKE 'wsrep_local_state_comment'" | cut -f2)" = Synced ] &&
       [ "$(sql "$i" "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2)" -ge "$want" ] 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "galera node $i did not reach Synced with cluster size $want; its log:" >&2
  tail -50 "$G/n$i/err.log" >&2 || true
  return 1
}

started=$(date +%s)
start_node 1 --wsrep-new-cluster
wait_synced 1 1 60
# The user exists before the joiners copy node 1's state.
sql 1 "CREATE USER IF NOT EXISTS 'firstask'@'127.0.0.1' IDENTIFIED BY 'firstask'; GRANT ALL ON *.* TO 'firstask'@'127.0.0.1';"
# Joiners one at a time: two rsync transfers from one donor at once make
# the second wait for the first anyway.
start_node 2
wait_synced 2 2 120
start_node 3
wait_synced 3 3 120
for i in 1 2 3; do wait_synced "$i" 3 30; done
echo "galera: 3 nodes synced in $(( $(date +%s) - started )) s on ports $((BASE + 1))-$((BASE + 3)) ($(sql 1 "SELECT VERSION()"), data in $G, running as $RUN_AS)" >&2

dsns=()
for i in 1 2 3; do dsns+=("firstask:firstask@tcp(127.0.0.1:$((BASE + i)))/"); done
FIRSTASK_TEST_GALERA_DSNS=$(IFS=,; echo "${dsns[*]}")
export FIRSTASK_TEST_GALERA_DSNS
echo "$FIRSTASK_TEST_GALERA_DSNS" > "$G/dsns"
if [ "$1" = start ]; then
  trap - EXIT
  echo "$G"
  exit 0
fi
set +e
"$@"
rc=$?
set -e
exit $rc
