# shellcheck shell=bash
# The pre-flight cases of tests/lab/rollout_test, sourced by it (after
# rollout_helpers.sh): both nodes validated against their staged files before
# anything is touched, and the fallback where no mount namespace can be made.

# A change valid for lb2 but not for lb1 (its own keepalived variant is
# broken), with a haproxy.cfg change: the pre-flight of both nodes finds it
# before anything is touched: no install, no reload, no VIP move.
case_broken_master_variant() {
    local sha1 sha2 ka1 ka2 worker1 worker2 node conf=lab/filesystem/etc/keepalived/keepalived-lb1.conf
    sha1=$(node_sha lb1 /etc/haproxy/haproxy.cfg)
    sha2=$(node_sha lb2 /etc/haproxy/haproxy.cfg)
    ka1=$(node_sha lb1 /etc/keepalived/keepalived.conf)
    ka2=$(node_sha lb2 /etc/keepalived/keepalived.conf)
    worker1=$(haproxy_worker lb1)
    worker2=$(haproxy_worker lb2)
    sed 's/advert_int 0.1/advert_int bogus/' "$LAB_FIXTURES/lb-config/$conf" > "$WORK/keepalived-lb1.conf"
    push_file lb-config "$conf" "$WORK/keepalived-lb1.conf" "keepalived: lb1 broken"
    push_haproxy_cfg 's/X-Config-Version v1/X-Config-Version v7/' "haproxy: v7"
    deploy && fail "a deploy with an invalid keepalived.conf for lb1 succeeded"
    [ "$(job_state)" = failed ] || fail "job state $(job_state)"
    has_step "lb2:pre-flight:succeeded" || fail "lb2's pre-flight did not pass: $(job_steps | tr '\n' ' ')"
    has_step "lb1:pre-flight:failed" || fail "lb1's pre-flight did not fail: $(job_steps | tr '\n' ' ')"
    job_steps | grep -q -e ":backup:" -e ":install:" -e ":reload:" -e ":failover:" && fail "something was touched: $(job_steps | tr '\n' ' ')"
    sql "SELECT error FROM jobs WHERE id = $(last_job)" | grep -q "^lb1: pre-flight: keepalived: .*Advert interval (bogus) not valid" ||
        fail "the error does not name lb1 and keepalived's message: $(sql "SELECT error FROM jobs WHERE id = $(last_job)")"
    assert_untouched lb1 "$sha1" "$worker1"
    assert_untouched lb2 "$sha2" "$worker2"
    [ "$(node_sha lb1 /etc/keepalived/keepalived.conf)" = "$ka1" ] || fail "lb1's keepalived.conf changed"
    [ "$(node_sha lb2 /etc/keepalived/keepalived.conf)" = "$ka2" ] || fail "lb2's keepalived.conf changed"
    for node in lb1 lb2; do assert_nothing_staged "$node"; done
    holder_is lb1 || fail "the VIP moved"
    note "$(sql "SELECT error FROM jobs WHERE id = $(last_job)" | cut -c1-160)"
    # Put lb1's variant back for the next cases' baseline.
    push_file lb-config "$conf" "$LAB_FIXTURES/lb-config/$conf" "keepalived: lb1 fixed"
}

# A node that cannot make a private mount namespace (here lb2's unshare
# refuses, as without privilege): its pre-flight stages the files but cannot
# validate them there, says so, and lb2 validates after the install as before
# the pre-flight existed; lb1 validates in its pre-flight.
case_no_unshare() {
    "$LAB" exec lb2 sh -c 'printf "#!/bin/sh\necho \"unshare: unshare failed: Operation not permitted\" >&2\nexit 1\n" > /tmp/no-unshare &&
        chmod 755 /tmp/no-unshare && mount --bind /tmp/no-unshare /usr/bin/unshare'
    trap '"$LAB" exec lb2 umount /usr/bin/unshare' EXIT
    push_haproxy_cfg 's/X-Config-Version v1/X-Config-Version v8/' "haproxy: v8"
    deploy || fail "the deploy with lb2 lacking unshare failed"
    [ "$(job_state)" = succeeded ] || fail "job state $(job_state)"
    has_step "lb2:pre-flight:succeeded" && has_step "lb2:validate:succeeded" ||
        fail "lb2 did not fall back to validating after the install: $(job_steps | tr '\n' ' ')"
    job_steps | grep -q "^lb1:validate:" && fail "lb1 validated after the install although its pre-flight could"
    job_log_has "no private mount namespace on this node" ||
        fail "the log does not say why lb2 fell back"
    for node in lb1 lb2; do
        [ "$(node_sha $node /etc/haproxy/haproxy.cfg)" = "$(repo_sha lb-config "$LAB_HAPROXY_CFG")" ] || fail "$node does not have v8"
        assert_nothing_staged "$node"
    done
    note "$(job_log | grep -m1 "no private mount namespace" | cut -c1-150)"
}

# A change that brings a new file (a Lua script haproxy.cfg now loads): the
# pre-flight's namespace shows it at its real path (a view of its directory),
# so haproxy -c passes there; the same haproxy.cfg without the script fails.
case_new_file_in_pre_flight() {
    local lua="$LAB_STATE/work/lua-scripts/lua/extra.lua"
    trap 'git -C "$LAB_STATE/work/lua-scripts" rm -q --ignore-unmatch lua/extra.lua &&
          git -C "$LAB_STATE/work/lua-scripts" -c user.name=t -c user.email=t@t.invalid commit -q -m "rollout_test: extra.lua gone" &&
          git -C "$LAB_STATE/work/lua-scripts" push -q origin main 2>/dev/null; "$LAB" exec lb1 rm -f /etc/haproxy/lua/extra.lua; "$LAB" exec lb2 rm -f /etc/haproxy/lua/extra.lua' EXIT
    push_haproxy_cfg 's|^    lua-load /etc/haproxy/lua/version.lua$|&\n    lua-load /etc/haproxy/lua/extra.lua|' "haproxy: loads extra.lua"
    deploy && fail "a haproxy.cfg loading a Lua file nobody ships passed"
    has_step "lb2:pre-flight:failed" || fail "lb2's pre-flight did not fail: $(job_steps | tr '\n' ' ')"
    sed 's/lua-scripts v1/lua-scripts extra/; s/"lua_version"/"lua_extra"/' "$LAB_FIXTURES/lua-scripts/lua/version.lua" > "$WORK/extra.lua"
    push_file lua-scripts lua/extra.lua "$WORK/extra.lua" "lua: extra.lua"
    deploy || fail "the deploy with the new Lua file failed"
    job_steps | grep -q ":validate:" && fail "validated after the install: $(job_steps | tr '\n' ' ')"
    sql "SELECT message FROM steps WHERE job_id = $(last_job) AND node = 'lb2' AND name = 'pre-flight'" |
        grep -q "valid with the staged files" || fail "lb2's pre-flight did not validate in its namespace"
    for node in lb1 lb2; do
        [ "$(node_sha $node /etc/haproxy/lua/extra.lua)" = "$(sha256sum "$lua" | cut -d' ' -f1)" ] || fail "$node lacks extra.lua"
        assert_nothing_staged "$node"
    done
    note "without the file: refused in the pre-flight; with it: validated there, at its real path, and deployed"
}

# `validate_after_install: true` on haproxy: validated in the pre-flight and
# again once installed, on both nodes; keepalived only in the pre-flight.
case_validate_after_install() {
    sed -i 's|^        master_socket: /run/haproxy-master.sock$|&\n        validate_after_install: true|' "$CONFIG"
    grep -q "validate_after_install: true" "$CONFIG" || fail "the configuration was not changed"
    push_haproxy_cfg 's/X-Config-Version v1/X-Config-Version v9/' "haproxy: v9"
    deploy || fail "the deploy failed"
    for node in lb1 lb2; do
        has_step "$node:pre-flight:succeeded" || fail "$node: no pre-flight: $(job_steps | tr '\n' ' ')"
        [ "$(sql "SELECT message FROM steps WHERE job_id = $(last_job) AND node = '$node' AND name = 'validate'")" = "haproxy valid" ] ||
            fail "$node: haproxy was not validated again after the install: $(job_steps | tr '\n' ' ')"
    done
    note "haproxy validated in the pre-flight and after the install on both nodes"
}

# lb1 (the MASTER) is compared before lb2's whole deploy. A hand edit on lb1
# made meanwhile is found at lb1's backup: lb1 is not overwritten (the edit
# stays), lb2 is rolled back, the VIP comes back to lb1.
case_hand_edit_on_master_during_rollout() {
    local pid rc=0 previous sha2
    sha2=$(node_sha lb2 /etc/haproxy/haproxy.cfg)
    previous=$(last_job)
    push_haproxy_cfg 's/X-Config-Version v1/X-Config-Version v10/' "haproxy: v10"
    "$LBDEPLOY_BINARY" deploy -c "$CONFIG" --pair lab --by rollout_test > "$WORK/deploy.out" 2>&1 &
    pid=$!
    wait_until 10 installing_lb2_after "$previous" >/dev/null || { wait "$pid"; fail "lb2 was never installed"; }
    "$LAB" exec lb1 sh -c 'echo "# hand edit on lb1" >> /etc/haproxy/haproxy.cfg'
    trap '"$LAB" exec lb1 sed -i "/# hand edit on lb1/d" /etc/haproxy/haproxy.cfg' EXIT
    wait "$pid" || rc=$?
    [ "$rc" = 1 ] || fail "the deploy exited $rc"
    has_step "lb1:backup:failed" || fail "lb1's backup did not refuse: $(job_steps | tr '\n' ' ')"
    sql "SELECT error FROM jobs WHERE id = $(last_job)" | grep -q "haproxy.cfg changed since the compare" ||
        fail "the error does not name the edited file: $(sql "SELECT error FROM jobs WHERE id = $(last_job)")"
    "$LAB" exec lb1 grep -q "# hand edit on lb1" /etc/haproxy/haproxy.cfg || fail "lb1's hand edit was overwritten"
    has_step "lb2:restore:succeeded" || fail "lb2 was not rolled back: $(job_steps | tr '\n' ' ')"
    [ "$(node_sha lb2 /etc/haproxy/haproxy.cfg)" = "$sha2" ] || fail "lb2 does not run what it ran before"
    wait_until 10 holder_is lb1 >/dev/null || fail "the VIP did not come back to lb1"
    for node in lb1 lb2; do assert_nothing_staged "$node"; done
    note "$(sql "SELECT error FROM jobs WHERE id = $(last_job)" | cut -c1-160)"
}
