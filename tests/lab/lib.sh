# shellcheck shell=bash
# Shell helpers shared by the scripts that drive the lab and `lbdeploy serve`:
# tests/lab/{lab,lab_test,rollout_test}, tests/server/server_test,
# tests/docs/docs_test, bench/lab_bench_lib.sh (so the lab benches),
# bench/server_bench_run and scripts/demo*. Source it from bash; it defines
# functions and the variables below, and sets no shell option, so a caller's
# `set -euo pipefail` holds inside the helpers as in its own code.
#
# Sets:    LAB_DIR (this directory), LAB (the lab command), LAB_FIXTURES,
#          LAB_HAPROXY_CFG (haproxy.cfg's path in lb-config), VIP, and exports
#          LAB_STATE (default /run/lbdeploy-lab, as the lab's).
# Expects, only of the callers of the helpers that use them:
#   LAB_PROBE     the lab_probe binary (start_probe)
#   DB            the job store (sql, state_of, steps_of)
#   WAIT_POLL     seconds between two tries of wait_until (default 0.01)
#   fail_context  a function, if the caller has a log worth showing when a
#                 check fails: fail prints its output after the message
#
# Offers:
#   checks    fail note skip_unless_root needs_binary needs_lab_up
#   waits     now_ms wait_until wait_for
#   processes start_time recorded_alive stop_pid
#   the pair  lab_ssh holder_is header_of served_version serves_version served_lua
#             stats_page_answers master_cli haproxy_worker reload_haproxy
#   traffic   start_probe stop_probe probe_field note_probe
#   git       lab_head push_config_version
#   lbdeploy  sql state_of steps_of served_url add_tokens
#             make_hermetic_repo hermetic_pair_yaml

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB="$LAB_DIR/lab"
LAB_FIXTURES="$LAB_DIR/fixtures"
LAB_HAPROXY_CFG=lab/filesystem/etc/haproxy/haproxy.cfg
VIP=198.18.0.10
export LAB_STATE="${LAB_STATE:-/run/lbdeploy-lab}"

# ------------------------------------------------------------------ checks

fail() {
    echo "FAIL: $*" >&2
    if declare -F fail_context >/dev/null; then fail_context >&2; fi
    exit 1
}
note() { echo "  $*"; }

# Exit 77 is ctest's SKIP_RETURN_CODE for the lab cases.
skip_unless_root() {
    [ "$(id -u)" -eq 0 ] || { echo "SKIP: the lab needs root (network namespaces, bind mounts)"; exit 77; }
}

needs_binary() {  # VARIABLE WHAT: VARIABLE names an executable, or the case fails
    [ -x "${!1:-}" ] || fail "$1 must name the $2 binary"
}

# The cases after the lab.up test share its lab rather than bring up their own.
needs_lab_up() {
    skip_unless_root
    "$LAB" status >/dev/null 2>&1 || fail "the lab is not up (the lab.up test sets it up)"
}

# ------------------------------------------------------------------ waits

now_ms() { date +%s%3N; }

wait_until() {  # SECONDS CMD...: prints the ms CMD took to succeed; status 1 after SECONDS
    local limit=$1 start
    shift
    start=$(now_ms)
    until "$@" >/dev/null 2>&1; do
        [ $(( $(now_ms) - start )) -lt $((limit * 1000)) ] || return 1
        sleep "${WAIT_POLL:-0.01}"
    done
    echo $(( $(now_ms) - start ))
}

wait_for() {  # SECONDS DESCRIPTION CMD...: wait_until, or the case fails naming what it waited for
    local limit=$1 what=$2
    shift 2
    wait_until "$limit" "$@" >/dev/null || fail "timed out waiting for $what"
}

# ------------------------------------------------------------------ processes

# A PID with its start time names one process: the start time tells a reused
# PID from the process that had it.
start_time() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null || true; }

recorded_alive() {  # PID STARTTIME: that process runs (a zombie does not)
    local state
    [ -r "/proc/$1/stat" ] || return 1
    [ "$(start_time "$1")" = "$2" ] || return 1
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo Z)
    [ "$state" != Z ]
}

stop_pid() {  # PID: a child of this shell, stopped and reaped, whether or not it still ran
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# ------------------------------------------------------------------ the pair

lab_ssh() {  # KNOWN_HOSTS ADDRESS CMD...: as the lab's client, the host key checked against KNOWN_HOSTS
    local known_hosts=$1 address=$2
    shift 2
    ssh -q -i "$LAB_STATE/id_ed25519" -o UserKnownHostsFile="$known_hosts" \
        -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=3 "root@$address" "$@"
}

holder_is() { [ "$("$LAB" vip-holder)" = "$1" ]; }  # NODE

header_of() {  # HEADER [PATH]: the header's value in a response through the VIP
    curl -fsS -D - -o /dev/null --max-time 2 "http://$VIP${2:-/}" | tr -d '\r' |
        awk -v h="${1,,}" 'tolower($1) == h":" {print $2}'
}
served_version() { header_of x-config-version; }
serves_version() { [ "$(served_version)" = "$1" ]; }  # VERSION: for the waits, which re-run it
served_lua() { curl -fsS --max-time 2 "http://$VIP/lua-version"; }
stats_page_answers() { curl -fsSk --max-time 2 -o /dev/null "https://$1:1936/"; }  # ADDRESS

master_cli() {  # NODE COMMAND: HAProxy's master CLI on the node
    "$LAB" exec "$1" sh -c "echo '$2' | socat /run/haproxy-master.sock - 2>/dev/null"
}

haproxy_worker() {  # NODE: the PID of HAProxy's current worker
    master_cli "$1" 'show proc' |
        awk '/^# workers/ {w = 1; next} /^#/ {w = 0} w && $2 == "worker" {print $1; exit}'
}

worker_replaced() {  # NODE OLD-PID
    local now
    now=$(haproxy_worker "$1") && [ -n "$now" ] && [ "$now" != "$2" ]
}

# The ms from the reload command until show proc lists a new worker; status 1
# when none shows within 5 s.
reload_haproxy() {  # NODE
    local before start
    before=$(haproxy_worker "$1")
    start=$(now_ms)
    master_cli "$1" reload >/dev/null
    wait_until 5 worker_replaced "$1" "$before" >/dev/null || return 1
    echo $(( $(now_ms) - start ))
}

# ------------------------------------------------------------------ traffic

start_probe() {  # SECONDS OUTFILE: in the background, its PID in PROBE_PID
    [ -x "${LAB_PROBE:-}" ] || fail "LAB_PROBE is not set to the lab_probe binary"
    "$LAB_PROBE" --duration "$1" > "$2" &
    PROBE_PID=$!
}
# Before its duration is up: the probe writes its summary on SIGTERM.
stop_probe() {
    kill -TERM "$PROBE_PID"
    wait "$PROBE_PID" || true
}
probe_field() {  # FILE KEY: a value of lab_probe's summary line
    tr ' ' '\n' < "$1" | sed -n "s/^$2=//p"
}
note_probe() { note "probe: $(cat "$1")"; }  # FILE

# ------------------------------------------------------------------ git

lab_head() { git -C "$LAB_STATE/work/lb-config" rev-parse HEAD; }

# The fixture's haproxy.cfg serving X-Config-Version VERSION, pushed to the
# lab's lb-config; prints the commit.
push_config_version() {  # VERSION MESSAGE
    sed "s/X-Config-Version v1/X-Config-Version $1/" "$LAB_FIXTURES/lb-config/$LAB_HAPROXY_CFG" |
        "$LAB" push lb-config "$LAB_HAPROXY_CFG" "$2"
}

# ------------------------------------------------------------------ lbdeploy

sql() { sqlite3 "$DB" "$1"; }
state_of() { sql "SELECT state FROM jobs WHERE id = $1"; }  # JOB
steps_of() {  # JOB: NODE:STEP:STATE lines, in order (NODE empty for the pair's steps)
    sql "SELECT coalesce(node,'') || ':' || name || ':' || state FROM steps WHERE job_id = $1 ORDER BY id"
}

# The URL `lbdeploy serve` prints in LOG once it listens; status 1 after 5 s,
# or as soon as PID has exited.
served_url() {  # LOG PID
    local url _
    for _ in $(seq 1 100); do
        url=$(sed -n 's|^lbdeploy: listening on \(http://.*\)$|\1|p' "$1")
        [ -z "$url" ] || { echo "$url"; return 0; }
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

add_tokens() {  # DIR WEBHOOK-TOKEN API-TOKEN: into DIR/lbdeploy.yaml, the token files beside it
    echo "$2" > "$1/webhook-token"
    echo "$3" > "$1/api-tokens"
    cat >> "$1/lbdeploy.yaml" <<EOF
gitlab:
  webhook_token_file: "$1/webhook-token"
auth:
  api_tokens_file: "$1/api-tokens"
EOF
}

# Without the lab: a local repository in DIR/repo, and a pair (dmz) whose
# nodes refuse connections at once, so that jobs fail fast at connect.
make_hermetic_repo() {  # DIR
    git init -q -b main "$1/repo"
    mkdir -p "$1/repo/dmz/filesystem/etc/haproxy"
    echo "global" > "$1/repo/dmz/filesystem/etc/haproxy/haproxy.cfg"
    git -C "$1/repo" add -A
    git -C "$1/repo" -c user.name=t -c user.email=t@t.invalid commit -q -m one
    : > "$1/known_hosts"
}
hermetic_pair_yaml() {  # DIR: the configuration's ssh, repositories and pairs
    cat <<EOF
ssh: {known_hosts: "$1/known_hosts", use_agent: true, port: 1, connect_timeout: 1s}
repositories:
  lb-config: {url: "$1/repo", branch: main}
pairs:
  dmz:
    repository: lb-config
    root: dmz/filesystem
    nodes: {lb1: {host: 127.0.0.1}, lb2: {host: 127.0.0.2}}
    vip: 127.0.0.3
    services:
      haproxy: {files: [etc/haproxy/haproxy.cfg]}
EOF
}
