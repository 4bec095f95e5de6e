# shellcheck shell=bash
# Helpers of the scripts that drive a real `lbdeploy serve` on 127.0.0.1:0:
# tests/server/server_test and tests/adversarial/adversarial_test. Sourced
# after tests/lab/lib.sh. Expects WORK (the case's directory: lbdeploy.yaml,
# serve.out, body) and LBDEPLOY_BINARY; sets SERVER_PID and PORT.

# ------------------------------------------------------------------ server

# The lab-free configuration: a local repository, a pair that refuses connections.
hermetic_config() {
    make_hermetic_repo "$WORK"
    cat > "$WORK/lbdeploy.yaml" <<EOF
server:
  data_dir: "$WORK/data"
  header_timeout: 1s
  body_timeout: 2s
  max_body_size: 64KiB
  shutdown_grace: 5s
EOF
    hermetic_pair_yaml "$WORK" >> "$WORK/lbdeploy.yaml"
    add_tokens "$WORK" hook-secret api-token-1
}

lab_config() {
    needs_lab_up
    "$LAB" config "$WORK/data" > "$WORK/lbdeploy.yaml"
    add_tokens "$WORK" hook-secret api-token-1
}

# SERVE_ARGS: more arguments; SERVE_NOFILE: the server's limit of open files (ulimit -n).
start_server() {
    # shellcheck disable=SC2086 # SERVE_ARGS is split into arguments on purpose
    (
        [ -z "${SERVE_NOFILE:-}" ] || ulimit -n "$SERVE_NOFILE"
        exec "$LBDEPLOY_BINARY" serve -c "$WORK/lbdeploy.yaml" --listen 127.0.0.1:0 ${SERVE_ARGS:-}
    ) > "$WORK/serve.out" 2>&1 &
    SERVER_PID=$!
    local url
    if ! url=$(served_url "$WORK/serve.out" "$SERVER_PID"); then
        kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited"
        fail "the server did not start"
    fi
    PORT=${url##*:}
}

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=""
}

# ------------------------------------------------------------------ requests

URL() { echo "http://127.0.0.1:$PORT$1"; }
status_of() {  # curl arguments...: prints the HTTP status, body in $WORK/body
    curl -s -o "$WORK/body" -w '%{http_code}' --max-time 10 "$@"
}
expect_status() {  # STATUS DESCRIPTION curl-arguments...
    local want=$1 what=$2 got
    shift 2
    got=$(status_of "$@")
    [ "$got" = "$want" ] || fail "$what: HTTP $got, expected $want: $(cat "$WORK/body")"
}

hook() {  # EVENT BODY [EXTRA-CURL-ARGS...]: prints the status; body in $WORK/body
    local event=$1 body=$2
    shift 2
    status_of -X POST -H "X-Gitlab-Token: hook-secret" -H "X-Gitlab-Event: $event" \
        -H 'Content-Type: application/json' "$@" --data-binary "$body" "$(URL /hooks/gitlab)"
}
push_body() {  # PROJECT BEFORE AFTER [REF]
    printf '{"object_kind":"push","ref":"%s","before":"%s","after":"%s","user_username":"alice","project":{"path_with_namespace":"%s"}}' \
        "${4:-refs/heads/main}" "$2" "$3" "$1"
}
merge_body() {  # PROJECT SHA
    printf '{"object_kind":"merge_request","user":{"username":"bob"},"project":{"path_with_namespace":"%s"},"object_attributes":{"action":"merge","target_branch":"main","merge_commit_sha":"%s","last_commit":{"id":"%s"}}}' \
        "$1" "$2" "$2"
}
sql_is() { [ "$(sql "$1")" = "$2" ]; }  # QUERY VALUE: for wait_for, which re-runs it
job_state_is() { [ "$(state_of "$1")" = "$2" ]; }
job_final() { state_of "$1" | grep -Eq 'succeeded|failed|cancelled|superseded|interrupted'; }
created_id() { sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$WORK/body"; }  # of the job a POST made

lab_push_haproxy() {  # VERSION: pushes haproxy.cfg with that X-Config-Version, prints the SHA
    push_config_version "$1" "server_test: $1"
}

# Pushes haproxy.cfg with VERSION, then deploys the branch through the API;
# created_id names the job.
push_and_deploy() {  # VERSION DESCRIPTION
    lab_push_haproxy "$1" > /dev/null
    expect_status 201 "$2" -X POST -H "Authorization: Bearer api-token-1" --data '{}' "$(URL /api/v1/pairs/lab/deploy)"
}

# ------------------------------------------------------------------ the hermetic repository

# A commit on the checked-out branch of the hermetic repository that changes
# dmz's haproxy.cfg; prints its SHA.
commit_config() {  # TEXT
    echo "global # $1" > "$WORK/repo/dmz/filesystem/etc/haproxy/haproxy.cfg"
    git -C "$WORK/repo" -c user.name=t -c user.email=t@t.invalid commit -q -am "$1"
    git -C "$WORK/repo" rev-parse HEAD
}
delivery_id() { sed -n 's/.*"delivery":\([0-9]*\).*/\1/p' "$WORK/body"; }  # of the last webhook reply
# Sends a webhook that must be accepted and waits until it is planned;
# OUTCOME|DETAIL in $WORK/outcome.
planned_hook() {  # EVENT BODY [EXTRA-CURL-ARGS...]
    local status id
    status=$(hook "$@")
    [ "$status" = 202 ] || fail "$1 not accepted: HTTP $status $(cat "$WORK/body")"
    id=$(delivery_id)
    wait_for "${PLAN_WAIT:-10}" "delivery $id to be planned" sql_is "SELECT outcome IN ('received', 'planning') FROM deliveries WHERE id = $id" 0
    sql "SELECT outcome || '|' || detail FROM deliveries WHERE id = $id" > "$WORK/outcome"
}
