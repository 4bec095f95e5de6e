# shellcheck shell=bash
# The SSH and SFTP cases of tests/lab/rollout_test, sourced by it (after
# rollout_helpers.sh): the keepalive on a silent command, and a link planted
# at a temporary name.

# A command silent for 4 s with ssh.keepalive_interval 1s: the nodes' sshd
# must receive SSH_MSG_IGNORE while it runs (a NAT or firewall would otherwise
# drop the idle connection of a long validate). A second sshd per node, on
# port 2222 at DEBUG3, counts them; the lab's own sshd is left as it is.
case_ssh_keepalive() {
    local node count
    for node in lb1 lb2; do
        "$LAB" exec "$node" /usr/sbin/sshd -f /etc/ssh/sshd_config -o Port=2222 -o LogLevel=DEBUG3 \
            -o PidFile=/run/sshd-keepalive.pid -E /tmp/sshd-keepalive.log
    done
    trap 'for node in lb1 lb2; do "$LAB" exec "$node" sh -c "kill \$(cat /run/sshd-keepalive.pid); rm -f /run/sshd-keepalive.pid /tmp/sshd-keepalive.log"; done' EXIT
    # known_hosts names a host on another port as [host]:port.
    sed -E 's/^([0-9.]+) /[\1]:2222 /' "$LAB_STATE/known_hosts" > "$WORK/known_hosts_2222"
    sed -i -e 's/^  command_timeout: 30s$/&\n  port: 2222\n  keepalive_interval: 1s/' \
        -e "s|^  known_hosts: .*|  known_hosts: \"$WORK/known_hosts_2222\"|" \
        -e 's|^        - {command: "kill -0 $(cat /run/haproxy.pid)"}$|&\n        - {command: "sleep 4"}|' "$CONFIG"
    grep -q "sleep 4" "$CONFIG" && grep -q "port: 2222" "$CONFIG" || fail "the configuration was not changed"
    push_haproxy_cfg 's/X-Config-Version v1/X-Config-Version v6/' "haproxy: v6"
    deploy --dry-run || fail "the dry run through port 2222 failed"
    for node in lb1 lb2; do
        count=$("$LAB" exec "$node" grep -c "Received SSH2_MSG_IGNORE" /tmp/sshd-keepalive.log || true)
        [ "$count" -ge 3 ] || fail "$node's sshd received $count keepalives during 4 silent seconds (interval 1s)"
        note "$node's sshd received $count SSH_MSG_IGNORE keepalives (one 4 s silent check, interval 1s)"
    done
}

# A symlink planted at a temporary name. Rollouts name their temporaries
# .NAME.lbdeploy-TAG-<64 random bits> beside the target, so a planted link
# cannot be aimed at one; the creation is exclusive all the same, and this
# case checks that through lbdeploy's own SFTP code (sftp_probe) against lb2's
# sshd: the link is refused, its target is not written, nothing is left.
case_symlink_at_temporary_name() {
    local temporary=/etc/haproxy/.haproxy.cfg.lbdeploy-planted-0123456789abcdef rc=0 victim_sha refusal
    needs_binary SFTP_PROBE sftp_probe
    "$LAB" exec lb2 sh -c "echo victim > /etc/haproxy/victim.cfg && ln -s victim.cfg $temporary"
    trap '"$LAB" exec lb2 rm -f '"$temporary"' /etc/haproxy/victim.cfg' EXIT
    victim_sha=$(node_sha lb2 /etc/haproxy/victim.cfg)
    "$SFTP_PROBE" 198.18.0.12 "$LAB_STATE/known_hosts" "$LAB_STATE/id_ed25519" write-new "$temporary" \
        > "$WORK/sftp.out" 2>&1 || rc=$?
    [ "$rc" = 3 ] || fail "a write through the planted link was not refused (exit $rc): $(cat "$WORK/sftp.out")"
    grep -q "cannot create (it exists, or is a link)" "$WORK/sftp.out" || fail "unclear refusal: $(cat "$WORK/sftp.out")"
    [ "$(node_sha lb2 /etc/haproxy/victim.cfg)" = "$victim_sha" ] || fail "the link's target was written"
    "$LAB" exec lb2 test -L "$temporary" || fail "the planted link was replaced"
    refusal=$(cat "$WORK/sftp.out")
    # The same call on a free name writes: the refusal came from the link.
    "$SFTP_PROBE" 198.18.0.12 "$LAB_STATE/known_hosts" "$LAB_STATE/id_ed25519" write-new /tmp/sftp-probe-free \
        > "$WORK/sftp.out" 2>&1 || fail "a write to a free name failed: $(cat "$WORK/sftp.out")"
    "$LAB" exec lb2 rm /tmp/sftp-probe-free
    note "$refusal; link and target unchanged"
}
