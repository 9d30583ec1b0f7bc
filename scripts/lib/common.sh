# shellcheck shell=bash source-path=SCRIPTDIR
# Helpers shared by scripts/lib/*.sh. Source it; it defines functions only.

# Prints N (default 1) free TCP ports on 127.0.0.1, one per line. All sockets are held
# open until every port is chosen, so the ports are distinct.
lib_free_ports() {
  /usr/bin/python3 - "${1:-1}" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print("\n".join(str(s.getsockname()[1]) for s in socks))
PY
}

# lib_wait_port PORT [TIMEOUT_S=10] [PID]: polls 127.0.0.1:PORT until it accepts a
# connection. Fails early if PID (when given) dies.
lib_wait_port() {
  local port=$1 timeout=${2:-10} pid=${3:-} deadline
  deadline=$(( $(date +%s%N) + timeout * 1000000000 ))
  while :; do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    if [ -n "$pid" ] && ! lib_pid_alive "$pid"; then
      echo "lib_wait_port: process $pid died before port $port opened" >&2
      return 1
    fi
    [ "$(date +%s%N)" -lt "$deadline" ] || { echo "lib_wait_port: port $port not open after ${timeout}s" >&2; return 1; }
    sleep 0.02
  done
}

# True while PID exists and is not a zombie (a reparented child may linger as one).
lib_pid_alive() {
  local state
  [ -r "/proc/$1/stat" ] || return 1
  state=$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# lib_stop_pid PID SIGNAL [TIMEOUT_S=10] [MATCH]: sends SIGNAL to PID (only if its command
# line contains MATCH, which guards against a recycled PID), waits for it to exit, and
# sends SIGKILL after TIMEOUT_S.
lib_stop_pid() {
  local pid=$1 sig=$2 timeout=${3:-10} match=${4:-} deadline
  lib_pid_alive "$pid" || return 0
  if [ -n "$match" ] && ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$match"; then
    echo "lib_stop_pid: PID $pid is not ours (no '$match' in its command line); leaving it" >&2
    return 1
  fi
  kill "-$sig" "$pid" 2>/dev/null || return 0
  deadline=$(( $(date +%s%N) + timeout * 1000000000 ))
  while lib_pid_alive "$pid"; do
    if [ "$(date +%s%N)" -ge "$deadline" ]; then
      echo "lib_stop_pid: PID $pid ignored SIG$sig for ${timeout}s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$(( $(date +%s%N) + 5000000000 ))
    fi
    sleep 0.02
  done
  # Reap it if it is our own child (no-op otherwise).
  wait "$pid" 2>/dev/null || true
  return 0
}
