# shellcheck shell=bash
# Sourced by tests/adversarial/adversarial_test: the cases on the lab pair, as
# tests/lab/rollout_test runs them (rollout_helpers.sh, the baseline first).

# As tests/lab/rollout_test: the case's directory under the lab's state, the
# lab's configuration, and the baseline (the fixtures on both nodes, VIP on lb1).
lab_work() {
    WORK="$LAB_STATE/adversarial/$CASE"
    CONFIG="$WORK/lbdeploy.yaml"
    # shellcheck disable=SC2034 # read by lib.sh's sql
    DB="$WORK/data/lbdeploy.db"
    needs_lab_up
    needs_binary LAB_PROBE lab_probe
    # shellcheck source=tests/lab/rollout_helpers.sh
    . "$ADVERSARIAL_DIR/../lab/rollout_helpers.sh"
    trap stop_server_quietly EXIT
    rm -rf "$WORK"
    mkdir -p "$WORK"
    "$LAB" config "$WORK/data" > "$CONFIG"
    baseline
}

is_utf8() { iconv -f UTF-8 -t UTF-8 "$1" > /dev/null 2>&1; }  # FILE

# The old MASTER fails its post-check after the failover, and says so with a
# Latin-1 byte: lb1 restored, the VIP given back, lb2 rolled back, the job
# failed with a clean message, and its page, log and events all load.
case_latin1_post_check_after_failover() {
    lab_work
    local sha1 sha2 job
    sha1=$(node_sha lb1 /etc/haproxy/haproxy.cfg)
    sha2=$(node_sha lb2 /etc/haproxy/haproxy.cfg)
    # Fails on lb1 only, and only while the new haproxy.cfg is installed: the
    # pre-checks and the restore's checks pass, the post-check after the failover does not.
    cat > "$WORK/check.yaml" <<'EOF'
        - {command: "[ {node} != lb1 ] || ! grep -q 'X-Config-Version latin1' /etc/haproxy/haproxy.cfg || (printf 'caf\\351 down\\n'; exit 1)"}
EOF
    sed -i "/^        - {command: \"kill -0 /r $WORK/check.yaml" "$CONFIG"
    grep -qF "printf 'caf" "$CONFIG" || fail "the check was not added"
    push_haproxy_cfg 's/X-Config-Version v1/X-Config-Version latin1/' "adversarial: latin1"
    # shellcheck disable=SC2119 # deploy takes optional arguments
    deploy && fail "a deploy whose old MASTER fails its post-check succeeded"
    job=$(last_job)
    [ "$(job_state)" = failed ] || fail "job state $(job_state)"
    has_step "lb2:post-check:succeeded" || fail "lb2's post-check did not pass: $(job_steps | tr '\n' ' ')"
    has_step ":failover:succeeded" || fail "no failover: $(job_steps | tr '\n' ' ')"
    has_step "lb1:post-check:failed" || fail "lb1's post-check did not fail: $(job_steps | tr '\n' ' ')"
    has_step "lb1:restore:succeeded" || fail "lb1 was not restored: $(job_steps | tr '\n' ' ')"
    has_step ":give back VIP:succeeded" || fail "the VIP was not given back: $(job_steps | tr '\n' ' ')"
    has_step "lb2:restore:succeeded" || fail "lb2 was not rolled back: $(job_steps | tr '\n' ' ')"
    [ "$(node_sha lb1 /etc/haproxy/haproxy.cfg)" = "$sha1" ] || fail "lb1: haproxy.cfg not restored"
    [ "$(node_sha lb2 /etc/haproxy/haproxy.cfg)" = "$sha2" ] || fail "lb2: haproxy.cfg not rolled back"
    wait_for 10 "the VIP on lb1" holder_is lb1
    serves_version v1 || fail "the VIP does not serve v1"
    sql "SELECT error FROM jobs WHERE id = $job" > "$WORK/error"
    is_utf8 "$WORK/error" || fail "the job's error is not UTF-8"
    grep -qa "internal error" "$WORK/deploy.out" && fail "an internal error was printed"
    # To a file: grep -q would close the pipe early, and pipefail count sqlite3's SIGPIPE.
    job_log > "$WORK/log"
    grep -qa "caf� down" "$WORK/log" || fail "the job log lacks the check's output with U+FFFD for the byte"
    note "job $job: $(cat "$WORK/error")"
    start_server
    local what url
    for what in "" /log?limit=10000 /events; do
        url=$(URL "/api/v1/jobs/$job$what")
        [ "$(curl -sN -o "$WORK/reply" -w '%{http_code}' --max-time 10 "$url")" = 200 ] || fail "GET $url: not 200"
        is_utf8 "$WORK/reply" || fail "GET $url: not UTF-8"
        grep -qa "caf�" "$WORK/reply" || [ -z "$what" ] || fail "GET $url lacks the check's output"
        note "GET /api/v1/jobs/$job$what: 200, $(wc -c < "$WORK/reply") bytes of UTF-8"
    done
    grep -q '^event: end' "$WORK/reply" || fail "the event stream has no end event"
}

# A validate command that prints a million lines, then fails (in the
# pre-flight, on both nodes at once): the job log is capped with the
# command's last lines kept, and lbdeploy's memory stays small.
case_million_line_validate() {
    lab_work
    local sha1 sha2 worker1 pid peak=0 hwm rc=0 cap=20000 stored job
    sha1=$(node_sha lb1 /etc/haproxy/haproxy.cfg)
    sha2=$(node_sha lb2 /etc/haproxy/haproxy.cfg)
    worker1=$(haproxy_worker lb1)
    sed -i 's|^        validate: "haproxy -c -f /etc/haproxy/haproxy.cfg"$|        validate: "seq 1000000; echo validate: the last word >\&2; exit 1"|' "$CONFIG"
    grep -q 'validate: "seq 1000000' "$CONFIG" || fail "the validate command was not replaced"
    push_haproxy_cfg 's/X-Config-Version v1/X-Config-Version million/' "adversarial: a million lines"
    "$LBDEPLOY_BINARY" deploy -c "$CONFIG" --pair lab --by adversarial_test > "$WORK/deploy.out" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        hwm=$(vm_hwm_kib "$pid")
        [ "${hwm:-0}" -le "$peak" ] || peak=$hwm
        sleep 0.05
    done
    wait "$pid" || rc=$?
    [ "$rc" = 1 ] || fail "the deploy exited $rc"
    job=$(last_job)
    [ "$(job_state)" = failed ] || fail "job state $(job_state)"
    has_step "lb2:pre-flight:failed" || fail "lb2's pre-flight did not fail: $(job_steps | tr '\n' ' ')"
    [ "$(node_sha lb2 /etc/haproxy/haproxy.cfg)" = "$sha2" ] || fail "lb2: haproxy.cfg changed"
    assert_untouched lb1 "$sha1" "$worker1"
    holder_is lb1 || fail "the VIP moved"
    stored=$(sql "SELECT count(*) FROM log_lines WHERE job_id = $job AND stream IN ('stdout', 'stderr', 'diff')")
    note "1,000,000 lines printed: $stored output lines stored ($(sql "SELECT count(*) FROM log_lines WHERE job_id = $job") rows in all), $(wc -l < "$WORK/deploy.out") lines on the console"
    [ "$stored" -le $((cap + 250)) ] || fail "$stored output lines stored, over the cap of $cap and the kept tail"
    job_log > "$WORK/log"
    grep -q -e "log truncated after $cap output lines" -e "lines of the pre-flight left out" "$WORK/log" ||
        fail "the log does not say it was truncated"
    grep -qx "1000000" "$WORK/log" || fail "the failing command's last line is not in the log"
    grep -q "validate: the last word" "$WORK/log" || fail "the failing command's stderr is not in the log"
    sql "SELECT error FROM jobs WHERE id = $job" | grep -q "validate" || fail "the job's error does not name validate"
    note "lbdeploy deploy's peak memory (VmHWM): $((peak / 1024)) MiB"
    [ "$peak" -lt $((256 * 1024)) ] || fail "lbdeploy deploy's peak memory passed 256 MiB"
}
