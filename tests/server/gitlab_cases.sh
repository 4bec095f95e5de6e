# shellcheck shell=bash
# Sourced by tests/server/server_test: GitLab's API as lbdeploy calls it
# (commit statuses, environments and deployments), on the hermetic
# configuration, with tests/server/status_receiver standing in for GitLab.

# Starts the stand-in (MODE: --forget or --cancel, see status_receiver.cpp),
# logging to $WORK/gitlab.log, and points gitlab.api_url at it.
gitlab_stand_in() {  # [MODE]
    [ -x "${STATUS_RECEIVER:-}" ] || fail "STATUS_RECEIVER must name the status_receiver binary"
    : > "$WORK/receiver.out"
    # shellcheck disable=SC2086 # no mode: no argument
    "$STATUS_RECEIVER" "$WORK/gitlab.log" ${1:-} > "$WORK/receiver.out" 2>&1 &
    GITLAB_PID=$!
    wait_until 3 grep -q '^port=' "$WORK/receiver.out" >/dev/null || true
    GITLAB_PORT=$(sed -n 's/^port=//p' "$WORK/receiver.out")
    [ -n "$GITLAB_PORT" ] || fail "the GitLab stand-in did not start"
    echo "gitlab-api-token" > "$WORK/api-token"
    sed -i '/^  api_url: /d; /^  api_token_file: /d' "$WORK/lbdeploy.yaml"
    sed -i "s|^gitlab:|gitlab:\n  api_url: \"http://127.0.0.1:$GITLAB_PORT/api/v4\"\n  api_token_file: \"$WORK/api-token\"|" "$WORK/lbdeploy.yaml"
}
gitlab_project() { printf '%s' "$WORK/repo" | sed 's|/|%2F|g'; }
gitlab_api() { echo "http://127.0.0.1:$GITLAB_PORT/api/v4/projects/$(gitlab_project)$1"; }  # PATH
# How many requests the stand-in got whose request line matches PATTERN.
gitlab_count() { grep -c "$1" "$WORK/gitlab.log" || true; }  # PATTERN
gitlab_count_is() { [ "$(gitlab_count "$1")" -ge "$2" ]; }   # PATTERN N: at least N
# The bodies of the requests whose request line matches PATTERN, one a line.
gitlab_bodies() {  # PATTERN
    tr -d '\r' < "$WORK/gitlab.log" | awk -v p="$1" '$0 ~ p {want=1; next} want && /^$/ {body=1; next}
        /^---$/ {want=0; body=0; next} want && body {print}'
}
# Pushes the repository's head; the job's id in JOB.
push_head_job() {
    local head
    head=$(git -C "$WORK/repo" rev-parse HEAD)
    [ "$(hook "Push Hook" "$(push_body "$WORK/repo" 0 "$head")")" = 202 ] || fail "push not accepted"
    wait_for 10 "a job of $head" sql_is "SELECT count(*) > 0 FROM jobs WHERE commit_sha = '$head' AND dry_run = 0" 1
    JOB=$(sql "SELECT max(id) FROM jobs WHERE commit_sha = '$head' AND dry_run = 0")
}

case_commit_statuses() {
    hermetic_config
    gitlab_stand_in
    sed -i "s|^  data_dir: .*|&\n  public_url: \"https://lbdeploy.example.net\"|" "$WORK/lbdeploy.yaml"
    start_server
    local head statuses
    head=$(git -C "$WORK/repo" rev-parse HEAD)
    push_head_job
    wait_for 10 "job $JOB to fail" job_state_is "$JOB" failed
    statuses="^POST /api/v4/projects/$(gitlab_project)/statuses/$head HTTP/1.1"
    wait_for 10 "three statuses" gitlab_count_is "$statuses" 3
    stop_pid "$GITLAB_PID"
    grep -q "^PRIVATE-TOKEN: gitlab-api-token" "$WORK/gitlab.log" || fail "no PRIVATE-TOKEN header"
    [ "$(gitlab_count "^POST .*/statuses/")" = "$(gitlab_count "$statuses")" ] || fail "statuses went elsewhere"
    [ "$(gitlab_bodies "$statuses" | grep -o 'state=[a-z]*' | tr '\n' ' ')" = "state=pending state=running state=failed " ] ||
        fail "states in order: $(gitlab_bodies "$statuses" | grep -o 'state=[a-z]*' | tr '\n' ' ')"
    gitlab_bodies "$statuses" | grep -q "name=lbdeploy%2Fdmz&target_url=https%3A%2F%2Flbdeploy.example.net%2Fjobs%2F$JOB" ||
        fail "name or target_url wrong: $(gitlab_bodies "$statuses" | head -1)"
    note "GitLab got pending, running, failed for lbdeploy/dmz on $head, linking to job $JOB"
}

# A deploy job is a deployment of environment lb/dmz: running, then failed
# (the nodes refuse connections); a dry run is none; a deployment an
# interrupted job left running is ended as failed at the next start.
case_gitlab_deployments() {
    hermetic_config
    gitlab_stand_in
    start_server
    local head dry deployments
    head=$(git -C "$WORK/repo" rev-parse HEAD)
    expect_status 201 "a dry run" -X POST -H "Authorization: Bearer api-token-1" --data '{"dry_run":true}' "$(URL /api/v1/pairs/dmz/deploy)"
    dry=$(created_id)
    wait_for 10 "the dry run to finish" job_final "$dry"
    push_head_job
    wait_for 10 "job $JOB to fail" job_state_is "$JOB" failed
    wait_for 10 "its deployment to be failed" sql_is "SELECT deployment_id || ' ' || status FROM gitlab_deployments WHERE job_id = $JOB" "1 failed"
    deployments="^POST /api/v4/projects/$(gitlab_project)/deployments HTTP/1.1"
    [ "$(gitlab_count "^POST .*/deployments")" = 1 ] && [ "$(gitlab_count "$deployments")" = 1 ] ||
        fail "one deployment expected (none for dry run $dry): $(grep 'deployments' "$WORK/gitlab.log")"
    [ "$(gitlab_bodies "$deployments")" = "environment=lb%2Fdmz&sha=$head&ref=main&tag=false&status=running" ] ||
        fail "deployment created as: $(gitlab_bodies "$deployments")"
    [ "$(gitlab_bodies "^PUT /api/v4/projects/$(gitlab_project)/deployments/1 HTTP/1.1")" = "status=failed" ] ||
        fail "deployment updated as: $(gitlab_bodies '^PUT ')"
    curl -fsS "$(gitlab_api /environments)" | grep -q '^\[{"id":1,"name":"lb/dmz","state":"available"}\]$' ||
        fail "environments: $(curl -sS "$(gitlab_api /environments)")"
    curl -fsS "$(gitlab_api /deployments/1)" | grep -q "\"sha\":\"$head\",\"status\":\"failed\"" ||
        fail "deployment 1: $(curl -sS "$(gitlab_api /deployments/1)")"
    ! grep -q "GitLab deployment" "$WORK/serve.out" || fail "a deployment was refused: $(grep "GitLab deployment" "$WORK/serve.out")"
    note "job $JOB: deployment 1 of lb/dmz on $head, running then failed; dry run $dry: none"

    # A job that was running when lbdeploy died, its deployment (2) running.
    stop_server
    curl -fsS -o /dev/null --data "environment=lb%2Fdmz&sha=$head&ref=main&tag=false&status=running" "$(gitlab_api /deployments)"
    sql "INSERT INTO jobs (pair, repository, commit_sha, trigger, state, created_at, started_at, owner)
         VALUES ('dmz', 'lb-config', '$head', 'manual', 'running', 1, 2, '')"
    local dead
    dead=$(sql "SELECT max(id) FROM jobs")
    sql "INSERT INTO gitlab_deployments (job_id, deployment_id, status) VALUES ($dead, 2, 'running')"
    start_server
    wait_for 10 "deployment 2 to be failed" sql_is "SELECT status FROM gitlab_deployments WHERE job_id = $dead" failed
    curl -fsS "$(gitlab_api /deployments/2)" | grep -q '"status":"failed"' || fail "deployment 2 not failed in GitLab"
    note "interrupted job $dead: its deployment 2 ended as failed at the next start"
}

# GitLab refuses the update: 404 (the deployment is gone) and 409 (someone
# stopped it meanwhile). lbdeploy says so on stderr; the job is unaffected.
case_gitlab_deployment_refused() {
    hermetic_config
    local mode code
    for mode in forget:404 cancel:409; do
        code=${mode#*:}
        gitlab_stand_in "--${mode%:*}"
        start_server
        commit_config "refused $code" > /dev/null
        push_head_job
        wait_for 10 "job $JOB to fail" job_state_is "$JOB" failed
        wait_for 10 "the refused update logged" grep -q "GitLab deployment failed for job $JOB not recorded: HTTP $code" "$WORK/serve.out"
        sql "SELECT error FROM jobs WHERE id = $JOB" | grep -q "cannot connect" || fail "job $JOB failed otherwise"
        sql_is "SELECT status FROM gitlab_deployments WHERE job_id = $JOB" running ||
            fail "a refused status was recorded: $(sql "SELECT status FROM gitlab_deployments WHERE job_id = $JOB")"
        wait_for 10 "its failed commit status still posted" gitlab_count_is "^POST .*/statuses/" 3
        stop_server
        stop_pid "$GITLAB_PID"
        note "HTTP $code: $(grep -o "GitLab deployment failed for job $JOB.*" "$WORK/serve.out" | head -1)"
        : > "$WORK/gitlab.log"
    done
}
