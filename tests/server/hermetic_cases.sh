# shellcheck shell=bash
# Sourced by tests/server/server_test: the cases without the lab (ctest label
# `server`), on the hermetic configuration (hermetic_config).

# What node_state would say after a deploy (the lab cases prove the nodes):
# lb1 runs LB1, lb2 runs LB2 (default: LB1).
nodes_run() {  # LB1 [LB2]
    sql "INSERT OR REPLACE INTO node_state (pair, node, deployed_commit) VALUES ('dmz', 'lb1', '$1'), ('dmz', 'lb2', '${2:-$1}')"
}

case_http_errors() {
    hermetic_config
    start_server
    expect_status 200 "healthz" "$(URL /healthz)"
    expect_status 401 "no token" -X POST -H "X-Gitlab-Event: Push Hook" --data '{}' "$(URL /hooks/gitlab)"
    expect_status 401 "wrong token" -X POST -H "X-Gitlab-Token: nope" -H "X-Gitlab-Event: Push Hook" --data '{}' "$(URL /hooks/gitlab)"
    grep -q '"error"' "$WORK/body" || fail "errors are not JSON {\"error\": ...}"
    [ "$(hook "Push Hook" '{not json')" = 400 ] || fail "malformed JSON is not 400"
    [ "$(hook "Push Hook" '{"ref":"refs/heads/main"}')" = 400 ] || fail "a push without after/project is not 400"
    head -c 100000 /dev/zero | tr '\0' 'x' > "$WORK/big"
    expect_status 413 "oversized body" -X POST -H "X-Gitlab-Token: hook-secret" -H "X-Gitlab-Event: Push Hook" \
        --data-binary @"$WORK/big" "$(URL /hooks/gitlab)"
    expect_status 401 "deploy without a token" -X POST --data '{}' "$(URL /api/v1/pairs/dmz/deploy)"
    expect_status 401 "cancel without a token" -X POST "$(URL /api/v1/jobs/1/cancel)"
    expect_status 401 "rerun with a wrong token" -X POST -H "Authorization: Bearer nope" "$(URL /api/v1/jobs/1/rerun)"
    expect_status 404 "unknown job" "$(URL /api/v1/jobs/999)"
    expect_status 404 "unknown pair" "$(URL /api/v1/pairs/nope)"
    expect_status 404 "unknown path" "$(URL /nope)"
    expect_status 400 "bad job id" "$(URL /api/v1/jobs/abc)"
    expect_status 400 "bad status filter" "$(URL '/api/v1/jobs?status=sleeping')"
    expect_status 405 "wrong method" -X DELETE "$(URL /api/v1/jobs)"
    expect_status 400 "deploy body not JSON" -X POST -H "Authorization: Bearer api-token-1" --data 'x' "$(URL /api/v1/pairs/dmz/deploy)"
    expect_status 422 "deploy of an unknown ref" -X POST -H "Authorization: Bearer api-token-1" \
        --data '{"ref":"no-such-branch"}' "$(URL /api/v1/pairs/dmz/deploy)"
    expect_status 201 "deploy" -X POST -H "Authorization: Bearer api-token-1" --data '{"dry_run":true}' "$(URL /api/v1/pairs/dmz/deploy)"
    expect_status 200 "the pair" "$(URL /api/v1/pairs/dmz)"
    kill -0 "$SERVER_PID" || fail "the server died"
    note "401/400/404/405/413/422 as documented, JSON errors, server alive"
}

case_stalled_client() {
    hermetic_config
    start_server
    local start elapsed
    start=$(now_ms)
    # Headers one byte at a time, then nothing: cut off at header_timeout (1 s).
    exec 3<>"/dev/tcp/127.0.0.1/$PORT"
    local byte
    for byte in G E T ' ' /; do printf '%s' "$byte" >&3; sleep 0.1; done
    cat <&3 > /dev/null || true  # returns when the server closes the connection
    exec 3>&-
    elapsed=$(( $(now_ms) - start ))
    [ "$elapsed" -lt 3000 ] || fail "a stalled client held its connection for $elapsed ms"
    expect_status 200 "healthz after the stall" "$(URL /healthz)"
    note "a client trickling its header and stalling was cut off after $elapsed ms"
}

case_redelivery() {
    hermetic_config
    start_server
    local head body
    head=$(git -C "$WORK/repo" rev-parse HEAD)
    body=$(push_body "$WORK/repo" 0000000000000000000000000000000000000000 "$head")
    [ "$(hook "Push Hook" "$body" -H "Idempotency-Key: delivery-1")" = 202 ] || fail "first delivery not 202: $(cat "$WORK/body")"
    [ "$(hook "Push Hook" "$body" -H "Idempotency-Key: delivery-1")" = 200 ] || fail "redelivery not 200"
    grep -q '"duplicate":true' "$WORK/body" || fail "redelivery not reported as duplicate"
    # The branch decides what deploys: the next commit only once this delivery is planned.
    wait_for 10 "the first delivery to be planned" sql_is "SELECT count(*) FROM deliveries WHERE outcome = 'queued'" 1
    # Without Idempotency-Key (older GitLab): the same project+ref+after.
    body=$(push_body "$WORK/repo" "$head" "$(commit_config 2)")
    [ "$(hook "Push Hook" "$body")" = 202 ] || fail "keyless delivery not 202"
    [ "$(hook "Push Hook" "$body")" = 200 ] || fail "keyless redelivery not 200"
    wait_for 10 "the deliveries to be planned" sql_is "SELECT count(*) FROM deliveries WHERE outcome IN ('received', 'planning')" 0
    [ "$(sql "SELECT count(*) FROM deliveries")" = 2 ] || fail "redeliveries were recorded as new deliveries"
    [ "$(sql "SELECT count(*) FROM jobs")" = 2 ] || fail "$(sql "SELECT count(*) FROM jobs") jobs for two commits"
    note "redeliveries (by Idempotency-Key, and by project+ref+after) answered 200 duplicate; one job per commit"
}

case_ignored_events() {
    hermetic_config
    start_server
    local head expect
    head=$(git -C "$WORK/repo" rev-parse HEAD)
    for expect in \
        "Tag Push Hook|$(push_body "$WORK/repo" 0 "$head" refs/tags/v1)|not handled" \
        "Push Hook|$(push_body "$WORK/repo" "$head" 0000000000000000000000000000000000000000)|deleted" \
        "Push Hook|$(push_body "$WORK/repo" 0 "$head" refs/heads/feature)|deploys from main" \
        "Push Hook|$(push_body "$WORK/repo" 0 "$head" refs/tags/v2)|is not a branch" \
        "Push Hook|$(push_body other/project 0 "$head")|not a configured repository" \
        "Merge Request Hook|{\"object_attributes\":{\"action\":\"open\"},\"project\":{\"path_with_namespace\":\"x\"}}|only merge deploys" \
        "Pipeline Hook|{}|not handled"; do
        IFS='|' read -r event body reason <<< "$expect"
        [ "$(hook "$event" "$body")" = 200 ] || fail "$event ($reason) not answered 200: $(cat "$WORK/body")"
        grep -q "$reason" "$WORK/body" || fail "$event: reason missing: $(cat "$WORK/body")"
    done
    [ "$(sql "SELECT count(*) FROM jobs")" = 0 ] || fail "an ignored event created a job"
    note "7 ignored events answered 200 with their reason, no job"
}

case_rerun_failed() {
    hermetic_config
    start_server
    local id rerun
    expect_status 201 "deploy" -X POST -H "Authorization: Bearer api-token-1" -H "X-Lbdeploy-User: carol" --data '{}' \
        "$(URL /api/v1/pairs/dmz/deploy)"
    id=$(created_id)
    wait_for 10 "job $id to fail (nodes unreachable)" job_state_is "$id" failed
    sql "SELECT error FROM jobs WHERE id = $id" | grep -q "cannot connect" || fail "the failure does not say why"
    expect_status 201 "rerun" -X POST -H "Authorization: Bearer api-token-1" "$(URL "/api/v1/jobs/$id/rerun")"
    rerun=$(created_id)
    [ "$(sql "SELECT rerun_of || ' ' || trigger FROM jobs WHERE id = $rerun")" = "$id rerun" ] || fail "rerun not linked"
    wait_for 10 "the re-run to finish" job_final "$rerun"
    expect_status 409 "cancel of a finished job" -X POST -H "Authorization: Bearer api-token-1" "$(URL "/api/v1/jobs/$id/cancel")"
    expect_status 200 "job detail" "$(URL "/api/v1/jobs/$id")"
    grep -q '"steps":\[{' "$WORK/body" || fail "job detail without steps"
    expect_status 200 "job log" "$(URL "/api/v1/jobs/$id/log?after=0")"
    grep -q '"seq":1' "$WORK/body" || fail "log without lines"
    note "job $id failed at connect; re-run $rerun queued and ran"
}

case_metrics() {
    hermetic_config
    start_server
    hook "Push Hook" "$(push_body "$WORK/repo" 0 "$(git -C "$WORK/repo" rev-parse HEAD)")" >/dev/null
    status_of -X POST -H "X-Gitlab-Event: Push Hook" --data '{}' "$(URL /hooks/gitlab)" >/dev/null
    wait_for 10 "a job to finish" sql_is "SELECT count(*) FROM jobs WHERE finished_at IS NOT NULL" 1
    curl -s "$(URL /metrics)" > "$WORK/metrics"
    for metric in 'lbdeploy_jobs{state="failed"} 1' 'lbdeploy_queue_depth{pair="dmz"} 0' \
        'lbdeploy_rollout_duration_seconds_count 1' 'lbdeploy_webhook_deliveries_total{outcome="queued"} 1' \
        'lbdeploy_webhook_deliveries_total{outcome="rejected_401"} 1' "lbdeploy_webhook_last_received_timestamp_seconds{project=\"$WORK/repo\"}"; do
        grep -qF "$metric" "$WORK/metrics" || fail "metrics lack: $metric"
    done
    note "jobs by state, queue depth, duration histogram, deliveries by outcome, last webhook per project"
}

case_event_log() {
    hermetic_config
    SERVE_ARGS="--log-format json" start_server
    local head
    head=$(git -C "$WORK/repo" rev-parse HEAD)
    [ "$(hook "Push Hook" "$(push_body "$WORK/repo" 0 "$head")")" = 202 ] || fail "push not accepted"
    status_of -X POST -H "X-Gitlab-Event: Push Hook" --data '{}' "$(URL /hooks/gitlab)" >/dev/null
    wait_for 10 "the job to finish" sql_is "SELECT count(*) FROM jobs WHERE finished_at IS NOT NULL" 1
    stop_server
    grep '^{' "$WORK/serve.out" > "$WORK/events.jsonl"
    local event
    for event in server.listening webhook.received webhook.rejected delivery.planned job.started job.finished \
        server.draining server.stopped; do
        grep -q "\"event\":\"$event\"" "$WORK/events.jsonl" || fail "no $event event: $(cat "$WORK/serve.out")"
    done
    # Every event line is one JSON object with a time.
    while IFS= read -r line; do
        case "$line" in *'"time":"20'*'Z"'*) ;; *) fail "an event without a UTC time: $line" ;; esac
        case "$line" in '{'*'}') ;; *) fail "not one JSON object per line: $line" ;; esac
    done < "$WORK/events.jsonl"
    grep '"event":"job.finished"' "$WORK/events.jsonl" | grep -q '"state":"failed"' || fail "job.finished lacks the state"
    note "$(wc -l < "$WORK/events.jsonl") JSON event lines: listening, webhooks, planning, job start/finish, drain, stop"
}

# `recovery: manual`: a job of another host whose lease ran out is found dead
# at start; its pair is marked, shown as needs_recovery, its deploys and
# re-runs refused (dry runs not), and POST /recover queues a recovery job.
case_manual_recovery() {
    hermetic_config
    sed -i 's/^    vip: 127.0.0.3$/&\n    recovery: manual/' "$WORK/lbdeploy.yaml"
    local head recovery
    head=$(git -C "$WORK/repo" rev-parse HEAD)
    "$LBDEPLOY_BINARY" jobs -c "$WORK/lbdeploy.yaml" > /dev/null  # creates the store
    sql "INSERT INTO jobs (pair, repository, commit_sha, trigger, state, created_at, started_at, owner, lease_until)
         VALUES ('dmz', 'lb-config', '$head', 'push', 'running', 1, 2, 'elsewhere.invalid 4242 77', 3)"
    start_server
    [ "$(state_of 1)" = interrupted ] || fail "the other host's dead job is $(state_of 1), not interrupted"
    [ "$(sql "SELECT count(*) FROM jobs WHERE state = 'queued'")" = 0 ] || fail "a job was queued under recovery: manual"
    expect_status 200 "the pair" "$(URL /api/v1/pairs/dmz)"
    grep -q '"state":"needs_recovery"' "$WORK/body" || fail "the pair is not needs_recovery: $(cat "$WORK/body")"
    grep -q '"mode":"manual"' "$WORK/body" || fail "the pair does not say manual: $(cat "$WORK/body")"
    expect_status 409 "a deploy while it needs recovery" -X POST -H "Authorization: Bearer api-token-1" --data '{}' "$(URL /api/v1/pairs/dmz/deploy)"
    grep -q "needs recovery" "$WORK/body" || fail "the 409 does not say why: $(cat "$WORK/body")"
    expect_status 409 "a re-run while it needs recovery" -X POST -H "Authorization: Bearer api-token-1" "$(URL /api/v1/jobs/1/rerun)"
    expect_status 201 "a dry run" -X POST -H "Authorization: Bearer api-token-1" --data '{"dry_run":true}' "$(URL /api/v1/pairs/dmz/deploy)"
    expect_status 401 "recover without a token" -X POST "$(URL /api/v1/pairs/dmz/recover)"
    expect_status 404 "recover an unknown pair" -X POST -H "Authorization: Bearer api-token-1" "$(URL /api/v1/pairs/nope/recover)"
    expect_status 201 "recover" -X POST -H "Authorization: Bearer api-token-1" "$(URL /api/v1/pairs/dmz/recover)"
    recovery=$(created_id)
    grep -q '"trigger":"recovery"' "$WORK/body" || fail "not a recovery job: $(cat "$WORK/body")"
    [ "$(sql "SELECT commit_sha || ' ' || rerun_of FROM jobs WHERE id = $recovery")" = "$head 1" ] ||
        fail "the recovery job is not of the interrupted job's commit"
    # Its nodes cannot be reached here: it fails at connect and the pair stays marked.
    wait_for 20 "the recovery job to end" job_final "$recovery"
    expect_status 200 "the pair" "$(URL /api/v1/pairs/dmz)"
    grep -q '"state":"needs_recovery"' "$WORK/body" || fail "an unreachable pair is no longer marked: $(cat "$WORK/body")"
    note "interrupted by lease, marked, deploy and re-run 409, dry run 201, recover 201 (job $recovery)"
}

# Deliveries trigger, the branch decides: a push whose `after` is not on the
# branch, or that both nodes already run, queues nothing; a merge whose head
# both nodes have passed neither; what is queued is the branch head.
case_stale_revisions() {
    hermetic_config
    local first second third feature tagged ahead fourth expect after reason n=0
    first=$(git -C "$WORK/repo" rev-parse HEAD)
    second=$(commit_config two)
    third=$(commit_config three)
    git -C "$WORK/repo" checkout -q -b feature "$first"
    feature=$(commit_config feature)
    git -C "$WORK/repo" checkout -q --detach "$first"
    tagged=$(commit_config tagged)  # on no branch: only a tag names it
    git -C "$WORK/repo" tag -a -m tag v-tagged
    git -C "$WORK/repo" checkout -q -b ahead "$third"
    ahead=$(commit_config ahead)
    git -C "$WORK/repo" checkout -q main
    start_server
    nodes_run "$third"
    for expect in "$second|stale" "$third|stale" "$feature|not on branch" "$tagged|not on branch" \
        "main~1|not on branch" "0123456789abcdef0123456789abcdef01234567|not on branch"; do
        IFS='|' read -r after reason <<< "$expect"
        n=$((n + 1))
        planned_hook "Push Hook" "$(push_body "$WORK/repo" 0000000000000000000000000000000000000000 "$after")" \
            -H "Idempotency-Key: revision-$n"
        grep -q "^ignored|$reason: " "$WORK/outcome" || fail "push of $after: $(cat "$WORK/outcome"), expected ignored, $reason"
    done
    nodes_run "$ahead"
    planned_hook "Merge Request Hook" "$(merge_body "$WORK/repo" "$third")"
    grep -q "^ignored|stale: " "$WORK/outcome" || fail "merge behind the nodes: $(cat "$WORK/outcome")"
    [ "$(sql "SELECT count(*) FROM jobs")" = 0 ] || fail "a stale or foreign revision queued $(sql "SELECT count(*) FROM jobs") jobs"
    grep -q 'delivery.ignored .*reason=stale' "$WORK/serve.out" || fail "no delivery.ignored event with reason=stale"
    grep -q 'delivery.ignored .*reason="not on branch"' "$WORK/serve.out" || fail "no delivery.ignored event for not on branch"
    # A late delivery of an older push, with lb2 behind it: the head deploys, not `after`.
    nodes_run "$third" "$first"
    planned_hook "Push Hook" "$(push_body "$WORK/repo" "$first" "$second")" -H "Idempotency-Key: late"
    grep -q "^queued|dmz: job " "$WORK/outcome" || fail "late push with a node behind: $(cat "$WORK/outcome")"
    [ "$(sql "SELECT commit_sha FROM jobs")" = "$third" ] || fail "the late push queued $(sql "SELECT commit_sha FROM jobs"), not the head"
    fourth=$(commit_config four)
    planned_hook "Push Hook" "$(push_body "$WORK/repo" "$third" "$fourth")"
    grep -q "^queued|dmz: job " "$WORK/outcome" || fail "a normal push: $(cat "$WORK/outcome")"
    [ "$(sql "SELECT count(*) FROM jobs WHERE commit_sha = '$fourth'")" = 1 ] || fail "the normal push queued no job"
    note "$n stale or foreign pushes and a stale merge ignored with their reason; a late push deployed the head"
}

# An older commit through the API, a re-run or the CLI is an explicit rollback.
case_rollback_deploy() {
    hermetic_config
    local first second id rerun
    first=$(git -C "$WORK/repo" rev-parse HEAD)
    second=$(commit_config two)
    start_server
    nodes_run "$second"
    local api=(-X POST -H "Authorization: Bearer api-token-1" "$(URL /api/v1/pairs/dmz/deploy)")
    expect_status 409 "an older commit without rollback" --data "{\"commit\":\"$first\"}" "${api[@]}"
    grep -q '"rollback_required":true' "$WORK/body" || fail "the 409 does not say a rollback is required"
    grep -qF 'to roll back, pass \"rollback\": true' "$WORK/body" || fail "the 409 does not say how: $(cat "$WORK/body")"
    expect_status 400 "rollback not a boolean" --data "{\"commit\":\"$first\",\"rollback\":1}" "${api[@]}"
    expect_status 201 "a dry run of the rollback" --data "{\"commit\":\"$first\",\"dry_run\":true}" "${api[@]}"
    expect_status 201 "the rollback" --data "{\"commit\":\"$first\",\"rollback\":true}" "${api[@]}"
    id=$(created_id)
    grep -q '"rollback":true' "$WORK/body" || fail "the job is not shown as a rollback: $(cat "$WORK/body")"
    [ "$(sql "SELECT rollback FROM jobs WHERE id = $id")" = 1 ] || fail "job $id is not recorded as a rollback"
    wait_for 10 "job $id to finish" job_final "$id"
    expect_status 409 "a re-run of it without rollback" -X POST -H "Authorization: Bearer api-token-1" "$(URL "/api/v1/jobs/$id/rerun")"
    expect_status 201 "a re-run of it with rollback" -X POST -H "Authorization: Bearer api-token-1" --data '{"rollback":true}' \
        "$(URL "/api/v1/jobs/$id/rerun")"
    rerun=$(created_id)
    [ "$(sql "SELECT rollback FROM jobs WHERE id = $rerun")" = 1 ] || fail "the re-run is not recorded as a rollback"
    wait_for 10 "job $rerun to finish" job_final "$rerun"
    expect_status 201 "the branch head" --data '{}' "${api[@]}"
    grep -q '"rollback":false' "$WORK/body" || fail "a deploy of the head is shown as a rollback"
    stop_server
    local jobs_before
    jobs_before=$(sql "SELECT count(*) FROM jobs")
    if "$LBDEPLOY_BINARY" deploy -c "$WORK/lbdeploy.yaml" --pair dmz --commit "$first" > "$WORK/cli.out" 2>&1; then
        fail "lbdeploy deploy of an older commit without --rollback succeeded"
    fi
    grep -q "to roll back, pass --rollback" "$WORK/cli.out" || fail "the CLI does not say how: $(cat "$WORK/cli.out")"
    [ "$(sql "SELECT count(*) FROM jobs")" = "$jobs_before" ] || fail "the refused CLI deploy recorded a job"
    "$LBDEPLOY_BINARY" deploy -c "$WORK/lbdeploy.yaml" --pair dmz --commit "$first" --rollback > "$WORK/cli.out" 2>&1 || true
    [ "$(sql "SELECT rollback || ' ' || commit_sha FROM jobs ORDER BY id DESC LIMIT 1")" = "1 $first" ] ||
        fail "lbdeploy deploy --rollback recorded no rollback: $(cat "$WORK/cli.out")"
    "$LBDEPLOY_BINARY" jobs --db "$DB" --limit 1 | grep -q '\[rollback\]' || fail "lbdeploy jobs does not show the rollback"
    note "409 without rollback (API, re-run, CLI); rollback jobs $id, $rerun and the CLI's recorded and shown"
}

# A tag named like the deploy branch, on an older commit, never stands for the
# branch: the API's and the CLI's default deploy and the pairs page's
# branch_head are refs/heads/main. A ref a person names keeps git's rules.
case_tag_named_like_branch() {
    hermetic_config
    local first second id named
    first=$(git -C "$WORK/repo" rev-parse HEAD)
    second=$(commit_config two)
    git -C "$WORK/repo" tag -a -m shadow main "$first"
    start_server
    nodes_run "$second"
    local api=(-X POST -H "Authorization: Bearer api-token-1" "$(URL /api/v1/pairs/dmz/deploy)")
    # Were the tag taken, this would be a rollback: 409.
    expect_status 201 "the default deploy" --data '{}' "${api[@]}"
    id=$(created_id)
    [ "$(sql "SELECT commit_sha FROM jobs WHERE id = $id")" = "$second" ] || fail "the default deploy took the tag"
    expect_status 200 "the pair" "$(URL /api/v1/pairs/dmz)"
    grep -q "\"branch_head\":\"$second\"" "$WORK/body" || fail "branch_head is not the branch's: $(cat "$WORK/body")"
    grep -q '"behind_branch":false' "$WORK/body" || fail "the nodes on the branch head are shown behind it"
    expect_status 201 "the tag, named" --data '{"ref":"refs/tags/main","dry_run":true}' "${api[@]}"
    named=$(created_id)
    [ "$(sql "SELECT commit_sha FROM jobs WHERE id = $named")" = "$first" ] || fail "refs/tags/main is not the tag"
    wait_for 10 "job $id to finish" job_final "$id"
    wait_for 10 "job $named to finish" job_final "$named"
    stop_server
    "$LBDEPLOY_BINARY" deploy -c "$WORK/lbdeploy.yaml" --pair dmz > "$WORK/cli.out" 2>&1 || true
    [ "$(sql "SELECT commit_sha FROM jobs ORDER BY id DESC LIMIT 1")" = "$second" ] ||
        fail "lbdeploy deploy without --ref did not deploy the branch head: $(cat "$WORK/cli.out")"
    note "default deploys (API, CLI) and branch_head are the branch's $second, the tag $first only when named"
}

# A job whose process died while serve runs (a killed `lbdeploy deploy`) is
# found by serve itself within seconds: interrupted, and its pair gets a
# recovery job, without waiting for serve's next start.
case_dead_owner_reaped() {
    hermetic_config
    start_server
    local head
    head=$(git -C "$WORK/repo" rev-parse HEAD)
    sql "INSERT INTO jobs (pair, repository, commit_sha, trigger, state, created_at, started_at, owner, lease_until)
         VALUES ('dmz', 'lb-config', '$head', 'manual', 'running', 1, 2, '$(hostname) 999999999 1', 9999999999999)"
    wait_for 15 "the dead job to be interrupted" job_state_is 1 interrupted
    wait_for 5 "its recovery job" sql_is "SELECT count(*) FROM jobs WHERE trigger = 'recovery' AND rerun_of = 1" 1
    grep -q "job.interrupted" "$WORK/serve.out" || fail "no job.interrupted event"
    note "a running job of a dead local process: interrupted and its recovery queued while serve ran"
}
