# shellcheck shell=bash
# Helpers of tests/lab/rollout_test, sourced by it after tests/lab/lib.sh: the
# job store of the case ($DB through lib.sh's `sql`), deploys, what a node and
# the lab's repositories hold, and the shared checks of several cases.
# Expects WORK, CONFIG, LAB, LAB_STATE, LAB_FIXTURES, LBDEPLOY_BINARY.

last_job() { sql "SELECT max(id) FROM jobs"; }
job_state() { state_of "$(last_job)"; }
job_steps() { steps_of "$(last_job)"; }
job_log() { sql "SELECT text FROM log_lines WHERE job_id = $(last_job) ORDER BY seq"; }
# Whether the job's log has a line matching PATTERN (read whole first: grep -q
# closing the pipe early would fail the pipeline under pipefail).
job_log_has() { job_log > "$WORK/job.log"; grep -qa -- "$1" "$WORK/job.log"; }  # PATTERN
has_step() { job_steps | grep -q "^$1$"; }
step_id() { sql "SELECT min(id) FROM steps WHERE job_id = $(last_job) AND coalesce(node,'') = '$1' AND name = '$2'"; }

deploy() {  # ARGS... ; the exit code of lbdeploy deploy, output in $WORK/deploy.out
    local rc=0
    "$LBDEPLOY_BINARY" deploy -c "$CONFIG" --pair lab --by rollout_test "$@" > "$WORK/deploy.out" 2>&1 || rc=$?
    return $rc
}

node_sha() { "$LAB" exec "$1" sha256sum "$2" | cut -d' ' -f1; }
repo_sha() { sha256sum "$LAB_STATE/work/$1/$2" | cut -d' ' -f1; }
fixture_sha() { sha256sum "$LAB_FIXTURES/$1/$2" | cut -d' ' -f1; }
keepalived_reloads() { grep -c "Reload complete" "$LAB_STATE/logs/$1-keepalived.log" || true; }

# Commits CONTENT_FILE as PATH of REPO unless the repository already has it.
push_file() {  # REPO PATH CONTENT_FILE MESSAGE
    if ! cmp -s "$3" "$LAB_STATE/work/$1/$2"; then "$LAB" push "$1" "$2" "$4" < "$3" >/dev/null; fi
}

# The fixtures in both repositories, deployed to both nodes; VIP on lb1.
baseline() {
    local file
    (cd "$LAB_FIXTURES/lb-config" && find lab -type f) | while read -r file; do
        push_file lb-config "$file" "$LAB_FIXTURES/lb-config/$file" "rollout_test: baseline $file"
    done
    (cd "$LAB_FIXTURES/lua-scripts" && find lua -type f) | while read -r file; do
        push_file lua-scripts "$file" "$LAB_FIXTURES/lua-scripts/$file" "rollout_test: baseline $file"
    done
    "$LAB" undrain lb1
    "$LAB" undrain lb2
    wait_until 5 holder_is lb1 >/dev/null || fail "baseline: lb1 does not hold the VIP"
    deploy || fail "baseline deploy failed"
    [ "$(node_sha lb1 /etc/haproxy/haproxy.cfg)" = "$(fixture_sha lb-config "$LAB_HAPROXY_CFG")" ] ||
        fail "baseline: lb1 does not run the fixture haproxy.cfg"
}

# Pushes haproxy.cfg from the fixture through a sed expression.
push_haproxy_cfg() {  # SED-EXPRESSION MESSAGE
    sed "$1" "$LAB_FIXTURES/lb-config/$LAB_HAPROXY_CFG" > "$WORK/haproxy.cfg"
    push_file lb-config "$LAB_HAPROXY_CFG" "$WORK/haproxy.cfg" "$2"
}

# The deploy under the traffic probe, its figures in $WORK/probe.out.
deploy_under_probe() {
    start_probe 120 "$WORK/probe.out"
    sleep 0.2
    local rc=0
    deploy || rc=$?
    stop_probe
    note_probe "$WORK/probe.out"
    [ "$rc" = 0 ] || fail "deploy failed"
}

# Every failed probe request started while a VIP move was under way: between
# the start and end of the job's failover steps, plus 1.5 s for the clients
# whose SYN went out in the gap and waits for TCP's 1 s retransmission.
failures_only_during_vip_moves() {
    local at windows
    windows=$(sql "SELECT started_at || ' ' || finished_at FROM steps WHERE job_id = $(last_job)
                   AND name IN ('failover', 'give back VIP')")
    for at in $(probe_field "$WORK/probe.out" failed_at | tr ',' ' '); do
        [ "$at" = - ] && continue
        echo "$windows" | awk -v t="$at" '$1 - 100 <= t && t <= $2 + 1500 {found = 1} END {exit !found}' ||
            fail "a request failed at $at, outside the VIP moves ($windows)"
    done
}

assert_untouched() {  # NODE SHA-OF-HAPROXY-CFG WORKER
    [ "$(node_sha "$1" /etc/haproxy/haproxy.cfg)" = "$2" ] || fail "$1: haproxy.cfg changed"
    [ "$(haproxy_worker "$1")" = "$3" ] || fail "$1: HAProxy was reloaded"
}

# NODE had no step past the pre-flight (which writes only staged files).
assert_untouched_after_pre_flight() {  # NODE
    if job_steps | grep "^$1:" | grep -vq -e ":connect:" -e ":pre-check:" -e ":compare:" -e ":pre-flight:"; then
        fail "$1 had steps after the pre-flight: $(job_steps | grep "^$1:" | tr '\n' ' ')"
    fi
}

# No staged file (a temporary beside a target) and no staged list on NODE.
assert_nothing_staged() {  # NODE
    local left
    left=$("$LAB" exec "$1" sh -c 'find /etc -name ".*.lbdeploy-*"; ls /var/lib/lbdeploy/staged 2>/dev/null' || true)
    [ -z "$left" ] || fail "$1 has staged files left: $(echo "$left" | tr '\n' ' ')"
}

installing_lb2_after() {  # JOB
    [ "$(sql "SELECT count(*) FROM steps WHERE name = 'install' AND node = 'lb2' AND job_id > $1" 2>/dev/null)" = 1 ]
}

# Ctrl-C while lb2 is being deployed: the job stops before lb1, not inside lb2,
# whether lb1's change needs the VIP moved or not.
cancel_while_lb2_deploys() {
    local pid rc=0 previous
    previous=$(last_job)
    "$LBDEPLOY_BINARY" deploy -c "$CONFIG" --pair lab --by rollout_test > "$WORK/deploy.out" 2>&1 &
    pid=$!
    wait_until 5 installing_lb2_after "$previous" >/dev/null || true
    kill -INT "$pid"
    wait "$pid" || rc=$?
    [ "$rc" = 1 ] || fail "a cancelled deploy exited $rc"
    [ "$(job_state)" = cancelled ] || fail "job state $(job_state)"
    has_step "lb2:post-check:succeeded" || fail "lb2 was left half-deployed: $(job_steps | tr '\n' ' ')"
    job_steps | grep -q -e "^lb1:install" -e ":failover:" && fail "lb1 was deployed after the cancel"
    holder_is lb1 || fail "the VIP moved"
    grep -q "CANCELLED" "$WORK/deploy.out" || fail "no CANCELLED verdict"
}
