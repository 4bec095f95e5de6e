# shellcheck shell=bash
# Sourced by tests/adversarial/adversarial_test: the cases without the lab, on
# server_helpers.sh's hermetic configuration and a real `lbdeploy serve`.

hermetic_work() {
    WORK=$(mktemp -d "/tmp/lbdeploy-adversarial.$CASE.XXXXXX")
    DB="$WORK/data/lbdeploy.db"
    trap 'stop_server_quietly; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
    hermetic_config
}

# A dependency whose tree climbs out of its destination with `..` entries,
# as only a hand-made tree can (git mktree; git fsck and GitLab's receive
# checks would refuse it, a mirror of another server need not).
case_dotdot_in_dependency_tree() {
    hermetic_work
    local lua="$WORK/lua" key tree before
    git init -q -b main "$lua"
    mkdir -p "$lua/lua"
    echo 'return "v1"' > "$lua/lua/version.lua"
    git_as_test "$lua" add -A
    git_as_test "$lua" commit -q -m one
    sed -i "s|^repositories:|&\n  lua-scripts: {url: \"$lua\", branch: main}|" "$WORK/lbdeploy.yaml"
    sed -i 's|^    vip: 127.0.0.3$|&\n    dependencies: [{repository: lua-scripts, path: lua, dest: /etc/haproxy/lua/, reloads: haproxy}]|' \
        "$WORK/lbdeploy.yaml"
    # lua/../../../root/.ssh/authorized_keys: /root/.ssh/authorized_keys once joined to the destination.
    key=$(echo "ssh-ed25519 AAAA planted" | git -C "$lua" hash-object -w --stdin)
    tree=$(printf '100644 blob %s\tauthorized_keys\n' "$key" | git -C "$lua" mktree)
    tree=$(printf '040000 tree %s\t.ssh\n' "$tree" | git -C "$lua" mktree)
    tree=$(printf '040000 tree %s\troot\n' "$tree" | git -C "$lua" mktree)
    for _ in 1 2; do tree=$(printf '040000 tree %s\t..\n' "$tree" | git -C "$lua" mktree); done
    before=$(git -C "$lua" rev-parse main)
    commit_tree_on_main "$lua" "$(tree_with_entry "$lua" lua "$(printf '040000 tree %s\t..' "$tree")")" "planted .." > /dev/null
    git -C "$lua" ls-tree -r --name-only main | grep -q '^lua/\.\./\.\./\.\./root/\.ssh/authorized_keys$' ||
        fail "the hand-made tree does not hold lua/../../../root/.ssh/authorized_keys: $(git -C "$lua" ls-tree -r --name-only main)"
    start_server
    push_main "$lua" "$before"
    grep -q "^queued|dmz: job " "$WORK/outcome" || fail "the push of the dependency: $(cat "$WORK/outcome")"
    assert_plan_failed_naming "root/.ssh/authorized_keys"
    nothing_left_open
    kill -0 "$SERVER_PID" || fail "the server died"
}

# A file whose name is not UTF-8 (a Latin-1 byte), in a dependency: refused
# at planning with the name shown through the text boundary (U+FFFD), never
# carried raw into logs, JSON, the node's journal or its file system.
case_non_utf8_file_name() {
    hermetic_work
    local lua="$WORK/lua" before
    git init -q -b main "$lua"
    mkdir -p "$lua/lua"
    echo 'return "v1"' > "$lua/lua/version.lua"
    git_as_test "$lua" add -A
    git_as_test "$lua" commit -q -m one
    before=$(git -C "$lua" rev-parse main)
    echo 'return "latin-1"' > "$lua/lua/$(printf 'caf\xe9').lua"
    git_as_test "$lua" add -A
    git_as_test "$lua" commit -q -m "a Latin-1 file name"
    sed -i "s|^repositories:|&\n  lua-scripts: {url: \"$lua\", branch: main}|" "$WORK/lbdeploy.yaml"
    sed -i 's|^    vip: 127.0.0.3$|&\n    dependencies: [{repository: lua-scripts, path: lua, dest: /etc/haproxy/lua/, reloads: haproxy}]|' \
        "$WORK/lbdeploy.yaml"
    start_server
    push_main "$lua" "$before"
    grep -q "^queued|dmz: job " "$WORK/outcome" || fail "the push of the dependency: $(cat "$WORK/outcome")"
    assert_plan_failed_naming "$(printf 'lua/caf\xef\xbf\xbd.lua')"
    sql "SELECT error FROM jobs" | grep -q "the name is not UTF-8" || fail "the error does not say the name is not UTF-8"
    sql "SELECT text FROM log_lines" | iconv -f UTF-8 -t UTF-8 > /dev/null || fail "the job log is not valid UTF-8"
    nothing_left_open
}

# A git bomb: 11 objects that name 10^10 files. The planner's diff and the
# job's tree walk must stop at a limit, not walk them.
case_git_bomb() {
    hermetic_work
    local repo="$WORK/repo" level before start elapsed
    level=$(echo boom | git -C "$repo" hash-object -w --stdin)
    level=$(for i in 0 1 2 3 4 5 6 7 8 9; do printf '100644 blob %s\tf%s\n' "$level" "$i"; done | git -C "$repo" mktree)
    for _ in 2 3 4 5 6 7 8 9 10; do
        level=$(for i in 0 1 2 3 4 5 6 7 8 9; do printf '040000 tree %s\td%s\n' "$level" "$i"; done | git -C "$repo" mktree)
    done
    before=$(git -C "$repo" rev-parse main)
    commit_tree_on_main "$repo" "$(tree_with_entry "$repo" dmz/filesystem "$(printf '040000 tree %s\tbomb' "$level")")" "bomb" > /dev/null
    note "git bomb: $(git -C "$repo" count-objects -v | awk '/^count/ {print $2}') loose objects, 10^10 paths below dmz/filesystem/bomb"
    start_server
    start=$(now_ms)
    push_main "$repo" "$before"
    grep -q "^queued|dmz: job " "$WORK/outcome" || fail "the push of the bomb: $(cat "$WORK/outcome")"
    assert_plan_failed_naming "limits.max_files_per_pair"
    elapsed=$(( $(now_ms) - start ))
    note "planned and failed in $elapsed ms; serve's peak memory (VmHWM) $(( $(vm_hwm_kib "$SERVER_PID") / 1024 )) MiB"
    [ "$(vm_hwm_kib "$SERVER_PID")" -lt $((512 * 1024)) ] || fail "serve's peak memory passed 512 MiB"
    nothing_left_open
    assert_no_crash_loop
}

# The hermetic repository served by a real `git daemon` on loopback, as GitLab
# serves it: the remote side packs. (A local path is read by libgit2's local
# transport, which loads each object whole: 1 GiB of memory for this blob.)
serve_repo_over_git() {
    local port
    for _ in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 20000))
        git daemon --base-path="$WORK" --export-all --listen=127.0.0.1 --port="$port" \
            > "$WORK/git-daemon.out" 2>&1 &
        GIT_DAEMON_PID=$!
        if wait_until 5 port_listens "$port" >/dev/null; then
            sed -i "s|url: \"$WORK/repo\"|url: \"git://127.0.0.1:$port/repo\"|" "$WORK/lbdeploy.yaml"
            return 0
        fi
        stop_pid "$GIT_DAEMON_PID"  # the port was taken: another one
        GIT_DAEMON_PID=""
    done
    fail "git daemon did not start: $(cat "$WORK/git-daemon.out")"
}
port_listens() { ss -Hltn "sport = :$1" | grep -q LISTEN; }

# A 1 GiB blob (zeros, so the repository stays small) with the default limits:
# fetched into the mirror and refused from its header, never inflated whole.
case_oversized_blob() {
    hermetic_work
    local repo="$WORK/repo" before hwm
    before=$(git -C "$repo" rev-parse main)
    head -c $((1024 * 1024 * 1024)) /dev/zero > "$repo/dmz/filesystem/etc/haproxy/big.map"
    git_as_test "$repo" add -A
    git_as_test "$repo" commit -q -m "a 1 GiB map"
    rm "$repo/dmz/filesystem/etc/haproxy/big.map"
    serve_repo_over_git
    start_server
    PROJECT=repo PLAN_WAIT=60 push_main "$repo" "$before"
    grep -q "^queued|dmz: job " "$WORK/outcome" || fail "the push of the blob: $(cat "$WORK/outcome")"
    assert_plan_failed_naming "etc/haproxy/big.map is 1024.0 MiB, over limits.max_file_size (16.0 MiB)"
    hwm=$(( $(vm_hwm_kib "$SERVER_PID") / 1024 ))
    note "serve's peak memory (VmHWM) $hwm MiB"
    [ "$hwm" -lt 256 ] || fail "serve's peak memory passed 256 MiB"
    nothing_left_open
    assert_no_crash_loop
}

# The ms until a reply to a request came, or the case fails.
reply_ms() {  # STATUS DESCRIPTION curl-arguments...
    local want=$1 what=$2 got
    shift 2
    got=$(curl -s -o "$WORK/body" -w '%{http_code} %{time_total}' --max-time 10 "$@") || true
    [ "${got% *}" = "$want" ] || fail "$what under the flood: $got, expected HTTP $want"
    awk -v s="${got#* }" 'BEGIN {printf "%d", s * 1000}'
}

# Idle connections and SSE viewers past the server's file limit: it must keep
# answering /healthz and webhooks, by shedding idle connections (the oldest
# first) rather than leaving new ones in the listen queue behind them.
case_connection_flood() {
    hermetic_work
    needs_binary CONNECTION_FLOOD connection_flood
    sed -i '/^  header_timeout: 1s$/d' "$WORK/lbdeploy.yaml"  # the default, 10 s: idle connections stay
    SERVE_NOFILE=1024 start_server
    local i health=() hooks=() head
    "$CONNECTION_FLOOD" --port "$PORT" --db "$DB" --viewers 1000 --idle 2000 > "$WORK/flood.out" 2>&1 &
    FLOOD_PID=$!
    wait_for 60 "the flood's connections" grep -q '^ready' "$WORK/flood.out"
    note "flood connected; serve holds $(find "/proc/$SERVER_PID/fd" -mindepth 1 | wc -l) open files (limit 1024)"
    head=$(git -C "$WORK/repo" rev-parse HEAD)
    for i in 1 2 3 4 5; do
        health+=("$(reply_ms 200 "/healthz" "$(URL /healthz)")")
        hooks+=("$(reply_ms 202 "a webhook" -X POST -H "X-Gitlab-Token: hook-secret" -H "X-Gitlab-Event: Push Hook" \
            -H "Idempotency-Key: flood-$i" --data-binary "$(push_body "$WORK/repo" 0 "$head")" "$(URL /hooks/gitlab)")")
    done
    kill -TERM "$FLOOD_PID"
    wait "$FLOOD_PID" || fail "the flood client failed: $(cat "$WORK/flood.out")"
    FLOOD_PID=""
    note "flood: $(tail -1 "$WORK/flood.out")"
    note "under the flood: /healthz ${health[*]} ms, webhook ${hooks[*]} ms (the issue's target: 1000 ms)"
    note "serve's peak memory (VmHWM) $(( $(vm_hwm_kib "$SERVER_PID") / 1024 )) MiB"
    # Measured at 3-50 ms on the 2-core machine: the issue's 1 s holds with margin.
    for i in "${health[@]}" "${hooks[@]}"; do
        [ "$i" -lt 1000 ] || fail "a reply under the flood took $i ms"
    done
    local streaming
    streaming=$(tail -1 "$WORK/flood.out" | tr ' ' '\n' | sed -n 's/^streaming=//p')
    [ "${streaming:-0}" -ge 500 ] || fail "only ${streaming:-0} of 1000 viewers got their stream"
    grep -q "http.shedding" "$WORK/serve.out" || fail "serve did not say it closed idle connections"
    kill -0 "$SERVER_PID" || fail "the server died"
    expect_status 200 "healthz after the flood" "$(URL /healthz)"
}

# Bytes that are not UTF-8 where the request names things: a 400, and the
# server goes on answering (the router's rule, here through the real routes).
case_non_utf8_request() {
    hermetic_work
    start_server
    local head body
    head=$(git -C "$WORK/repo" rev-parse HEAD)
    body=$(push_body "$WORK/repo" 0000000000000000000000000000000000000000 "$head")
    [ "$(hook "Push Hook" "$body" -H "$(printf 'X-Gitlab-Event: Push \xe9v\xe9nement')")" = 400 ] ||
        fail "a Latin-1 X-Gitlab-Event: HTTP $(cat "$WORK/body")"
    [ "$(hook "Push Hook" "$body" -H "$(printf 'Idempotency-Key: caf\xe9')")" = 400 ] ||
        fail "a Latin-1 Idempotency-Key was not refused"
    expect_status 400 "a Latin-1 byte in the path" --path-as-is "$(URL /api/v1/jobs/%E9)"
    expect_status 400 "an overlong encoding in the query" "$(URL '/api/v1/jobs?pair=%C0%AF')"
    expect_status 400 "a raw Latin-1 byte in the query" "$(URL "/api/v1/jobs?pair=$(printf 'caf\xe9')")"
    grep -q '"error"' "$WORK/body" || fail "the 400 is not a JSON error: $(cat "$WORK/body")"
    [ "$(sql "SELECT count(*) FROM deliveries")" = 0 ] || fail "a refused webhook was recorded"
    expect_status 200 "healthz" "$(URL /healthz)"
    [ "$(hook "Push Hook" "$body")" = 202 ] || fail "a clean webhook after them: $(cat "$WORK/body")"
    kill -0 "$SERVER_PID" || fail "the server died"
    note "Latin-1 in a header value, the path and the query: 400 with a JSON error; a clean webhook then 202"
}
