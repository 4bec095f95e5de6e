# shellcheck shell=bash
# Sourced by tests/server/server_test: the cases on the lab pair (ctest label
# `lab`), on the lab's git server, sshd, haproxy and keepalived (lab_config).

# The ids of the SSE streams in FILE..., the last one's end event aside, are
# the job's log lines 1..N: every line, in order, once. Leaves them in $WORK/ids.
streamed_every_line() {  # JOB FILE...
    local job=$1
    shift
    cat "$@" | grep '^id: ' | sed 's/id: //' | head -n -1 > "$WORK/ids"
    seq 1 "$(sql "SELECT max(seq) FROM log_lines WHERE job_id = $job")" > "$WORK/seqs"
    cmp -s "$WORK/ids" "$WORK/seqs"
}

case_push_deploys() {
    lab_config
    start_server
    local before after job
    before=$(lab_head)
    after=$(lab_push_haproxy "srv-$$")
    [ "$(hook "Push Hook" "$(push_body lb-config "$before" "$after")")" = 202 ] || fail "push not accepted: $(cat "$WORK/body")"
    wait_for 10 "a job" sql_is "SELECT count(*) FROM jobs" 1
    job=$(sql "SELECT id FROM jobs")
    [ "$(sql "SELECT commit_sha FROM jobs WHERE id = $job")" = "$after" ] || fail "the job is not for the pushed commit"
    curl -sN --max-time 60 "$(URL "/api/v1/jobs/$job/events")" > "$WORK/events"
    job_state_is "$job" succeeded || fail "job $job: $(sql "SELECT state || ': ' || error FROM jobs WHERE id = $job")"
    grep -q '^event: end' "$WORK/events" || fail "no end event"
    streamed_every_line "$job" "$WORK/events" || fail "the event ids are not the log's 1..N"
    serves_version "srv-$$" || fail "the pair does not serve the pushed config"
    note "push → job $job → deployed; $(wc -l < "$WORK/ids") events streamed in order"
}

case_merge_and_push() {
    lab_config
    start_server
    local before after
    before=$(lab_head)
    after=$(lab_push_haproxy "merge-$$")
    [ "$(hook "Push Hook" "$(push_body lb-config "$before" "$after")")" = 202 ] || fail "push not accepted"
    [ "$(hook "Merge Request Hook" "$(merge_body lb-config "$after")")" = 202 ] || fail "merge not accepted: $(cat "$WORK/body")"
    wait_for 30 "both deliveries planned" sql_is "SELECT count(*) FROM deliveries WHERE outcome IN ('received', 'planning')" 0
    wait_for 60 "the job to finish" job_final "$(sql "SELECT max(id) FROM jobs")"
    [ "$(sql "SELECT count(*) FROM jobs WHERE pair = 'lab' AND commit_sha = '$after'")" = 1 ] ||
        fail "a merge plus its push made $(sql "SELECT count(*) FROM jobs WHERE commit_sha = '$after'") jobs"
    note "merge hook + push hook → one job ($(sql "SELECT detail FROM deliveries ORDER BY id" | tr '\n' ';'))"
}

case_rapid_pushes() {
    lab_config
    start_server
    local i before after last=""
    for i in $(seq 1 20); do
        before=$(lab_head)
        after=$(lab_push_haproxy "rapid-$$-$i")
        hook "Push Hook" "$(push_body lb-config "$before" "$after")" > /dev/null
        last=$after
        [ "$(sql "SELECT count(*) FROM jobs WHERE state = 'running'")" -le 1 ] || fail "two jobs of one pair ran at once"
        [ "$(sql "SELECT count(*) FROM jobs WHERE state = 'queued'")" -le 1 ] || fail "more than one job queued"
    done
    wait_for 30 "every delivery planned" sql_is "SELECT count(*) FROM deliveries WHERE outcome IN ('received', 'planning')" 0
    wait_for 90 "the newest commit deployed" sql_is "SELECT state FROM jobs WHERE commit_sha = '$last'" succeeded
    [ "$(sql "SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')")" = 0 ] || fail "jobs left over"
    note "20 pushes: $(sql "SELECT group_concat(state || '=' || n, ' ') FROM (SELECT state, count(*) AS n FROM jobs GROUP BY state)"); the newest deployed"
}

case_cancel_queued() {
    lab_config
    start_server
    local first second
    push_and_deploy "cancel-a-$$" "first deploy"
    first=$(created_id)
    wait_for 10 "job $first to run" job_state_is "$first" running
    expect_status 201 "a dry run behind it" -X POST -H "Authorization: Bearer api-token-1" --data '{"dry_run":true}' \
        "$(URL /api/v1/pairs/lab/deploy)"
    second=$(created_id)
    job_state_is "$second" queued || fail "job $second is not queued behind the running one"
    expect_status 202 "cancel the queued job" -X POST -H "Authorization: Bearer api-token-1" "$(URL "/api/v1/jobs/$second/cancel")"
    job_state_is "$second" cancelled || fail "the queued job was not cancelled at once"
    wait_for 60 "job $first to finish" job_final "$first"
    job_state_is "$first" succeeded || fail "the running job did not finish normally"
    note "queued job $second cancelled at once; running job $first finished"
}

case_sse_resume() {
    lab_config
    start_server
    local job last
    push_and_deploy "sse-$$" "deploy"
    job=$(created_id)
    # Disconnect early, then resume from the last id received.
    curl -sN --max-time 1 "$(URL "/api/v1/jobs/$job/events")" > "$WORK/part1" || true
    last=$(grep '^id: ' "$WORK/part1" | tail -1 | sed 's/id: //')
    [ -n "$last" ] || fail "no event in the first second"
    curl -sN --max-time 60 -H "Last-Event-ID: $last" "$(URL "/api/v1/jobs/$job/events")" > "$WORK/part2"
    grep -q '^event: end' "$WORK/part2" || fail "no end event after resuming"
    streamed_every_line "$job" "$WORK/part1" "$WORK/part2" || fail "lines lost or doubled across the reconnect"
    note "reconnected after event $last: $(wc -l < "$WORK/ids") events, none lost or doubled"
}

case_kill_and_restart() {
    lab_config
    start_server
    local running queued
    push_and_deploy "kill-a-$$" "deploy"
    running=$(created_id)
    wait_for 10 "job $running to run" job_state_is "$running" running
    push_and_deploy "kill-b-$$" "a second deploy"
    queued=$(created_id)
    sleep 0.5
    kill -KILL "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    start_server
    job_state_is "$running" interrupted || fail "the killed job is $(state_of "$running")"
    grep -q "job.interrupted job=$running " "$WORK/serve.out" || fail "no word about the interrupted job"
    wait_for 60 "the queued job $queued to run" job_final "$queued"
    job_state_is "$queued" succeeded || fail "job $queued: $(sql "SELECT state || ': ' || error FROM jobs WHERE id = $queued")"
    # The killed rollout may have left lb1 drained: the next tests start from a clean pair.
    "$LAB" undrain lb1
    "$LAB" undrain lb2
    note "SIGKILL mid-rollout: job $running interrupted; queued job $queued ran after the restart"
}

case_graceful_shutdown() {
    lab_config
    start_server
    local job start elapsed
    push_and_deploy "drain-$$" "deploy"
    job=$(created_id)
    wait_for 20 "lb2's install" sql_is "SELECT count(*) FROM steps WHERE job_id = $job AND node = 'lb2' AND name = 'install'" 1
    start=$(now_ms)
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || true
    elapsed=$(( $(now_ms) - start ))
    SERVER_PID=""
    grep -q "lbdeploy: stopped" "$WORK/serve.out" || fail "the server did not stop cleanly"
    local state
    state=$(state_of "$job")
    case "$state" in
        cancelled)
            steps_of "$job" | grep -q "^lb2:post-check:succeeded$" || fail "stopped inside lb2"
            steps_of "$job" | grep -q "^lb1:install:" && fail "lb1 was deployed after the stop was asked" ;;
        succeeded) ;;
        *) fail "after a graceful stop the job is $state" ;;
    esac
    "$LAB" undrain lb1
    note "SIGTERM during lb2's deploy: stopped in $elapsed ms, job $state at a safe point"
}
