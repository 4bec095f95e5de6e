# shellcheck shell=bash
# Sourced by tests/lab/lab: how the lab is built and taken apart (its
# processes, network, git server and nodes); the lab's subcommands are in the
# lab itself. Expects the lab's LAB_STATE, LAB_GIT_PORT, LB_NODES, BE_NODES,
# ADDR and die, and tests/lab/lib.sh (start_time, recorded_alive, wait_until).

BRIDGE=labbr0
BRIDGE_ADDR=198.18.0.1
# Per-node private directories, bind-mounted by the node's holder process.
# A private /root too: the host's ~/.bashrc (sourced by bash under sshd) is not the node's.
NODE_PRIVATE="tmp root var/backups var/lib/lbdeploy var/log run"  # run last: it hides $LAB_STATE

# ---------------------------------------------------------------- processes

record_pid() {  # NAME PID
    mkdir -p "$LAB_STATE/pids"
    echo "$2 $(start_time "$2")" > "$LAB_STATE/pids/$1.pid"
}

pid_of() {  # NAME -> prints the PID when alive
    local file="$LAB_STATE/pids/$1.pid" pid start
    [ -r "$file" ] || return 1
    read -r pid start < "$file"
    recorded_alive "$pid" "$start" && echo "$pid"
}

# Stops "PID:STARTTIME" entries together: TERM to all, up to 2 s for them to
# exit, then KILL for the rest. In parallel, so down does not wait per process.
stop_all() {
    signal_alive TERM "$@"
    wait_until 2 none_alive "$@" >/dev/null || signal_alive KILL "$@"
}

signal_alive() {  # SIGNAL PID:STARTTIME...
    local signal=$1 entry
    shift
    for entry in "$@"; do
        recorded_alive "${entry%%:*}" "${entry#*:}" && kill "-$signal" "${entry%%:*}" 2>/dev/null || true
    done
}

none_alive() {  # PID:STARTTIME...
    local entry
    for entry in "$@"; do
        if recorded_alive "${entry%%:*}" "${entry#*:}"; then return 1; fi
    done
}

stop_recorded() {
    local file pid start entries=()
    [ -d "$LAB_STATE/pids" ] || return 0
    for file in "$LAB_STATE"/pids/*.pid; do
        [ -e "$file" ] || continue
        read -r pid start < "$file" || continue
        entries+=("$pid:$start")
    done
    [ ${#entries[@]} -eq 0 ] || stop_all "${entries[@]}"
    rm -f "$LAB_STATE"/pids/*.pid
}

# Processes left in a lab namespace by a run that died before recording them.
stop_namespace_leftovers() {
    local ns pid entries=()
    for ns in $LB_NODES $BE_NODES; do
        [ -e "/run/netns/$ns" ] || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do entries+=("$pid:$(start_time "$pid")"); done
    done
    [ ${#entries[@]} -eq 0 ] || stop_all "${entries[@]}"
}

# ---------------------------------------------------------------- network

make_network() {
    ip link add "$BRIDGE" type bridge
    sysctl -qw "net.ipv6.conf.$BRIDGE.disable_ipv6=1"
    ip addr add "$BRIDGE_ADDR/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
    local ns
    for ns in $LB_NODES $BE_NODES; do
        ip netns add "$ns"
        # Creating the peer inside the namespace avoids a clash with the host's eth0.
        ip link add "lab-$ns" type veth peer name eth0 netns "$ns"
        sysctl -qw "net.ipv6.conf.lab-$ns.disable_ipv6=1"
        ip link set "lab-$ns" master "$BRIDGE" up
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip -n "$ns" link set lo up
        ip -n "$ns" addr add "${ADDR[$ns]}/24" dev eth0
        ip -n "$ns" link set eth0 up
        # Only the connected 198.18.0.0/24 route: no default route out of the lab.
    done
    for ns in $LB_NODES; do
        # HAProxy binds the VIP on the node that does not hold it.
        ip netns exec "$ns" sysctl -qw net.ipv4.ip_nonlocal_bind=1
    done
}

remove_network() {
    local ns
    for ns in $LB_NODES $BE_NODES; do
        ip netns del "$ns" 2>/dev/null || true
        ip link del "lab-$ns" 2>/dev/null || true
    done
    ip link del "$BRIDGE" 2>/dev/null || true
}

# ---------------------------------------------------------------- git server

make_repo() {  # NAME: bare repository from the fixture, one initial commit
    local name=$1 work="$LAB_STATE/work/$1"
    git init -q --bare -b main "$LAB_STATE/git/$name.git"
    touch "$LAB_STATE/git/$name.git/git-daemon-export-ok"
    sed -e "s|@LAB_STATE@|$LAB_STATE|g" -e "s|@LAB_GIT_PORT@|$LAB_GIT_PORT|g" "$LAB_DIR/templates/post-receive" \
        > "$LAB_STATE/git/$name.git/hooks/post-receive"
    chmod 755 "$LAB_STATE/git/$name.git/hooks/post-receive"
    git init -q -b main "$work"
    cp -a "$LAB_DIR/fixtures/$name/." "$work/"
    git -C "$work" add -A
    lab_git "$work" commit -q -m "Initial $name for the lab"
    git -C "$work" remote add origin "$LAB_STATE/git/$name.git"
    git -C "$work" push -q origin main
}

lab_git() {  # WORKDIR ARGS...: git as the lab's engineer
    local work=$1
    shift
    git -C "$work" -c user.name="Lab Engineer" -c user.email="lab@lbdeploy.invalid" "$@"
}

start_git_daemon() {
    git daemon --reuseaddr --listen=127.0.0.1 --port="$LAB_GIT_PORT" --base-path="$LAB_STATE/git" \
        --enable=receive-pack --informative-errors "$LAB_STATE/git" \
        < /dev/null > "$LAB_STATE/logs/git-daemon.log" 2>&1 &
    record_pid git-daemon $!
}

# ---------------------------------------------------------------- nodes

node_etc() { echo "/etc/netns/$1"; }

prepare_node_files() {  # NODE
    local node=$1 etc
    etc=$(node_etc "$node")
    local repo="$LAB_DIR/fixtures/lb-config/lab/filesystem/etc"
    mkdir -p "$etc"
    cp -a "$repo/haproxy" "$repo/snmp" "$repo/zabbix" "$etc/"
    mkdir -p "$etc/haproxy/lua" "$etc/keepalived"
    cp "$LAB_DIR/fixtures/lua-scripts/lua/"*.lua "$etc/haproxy/lua/"
    cp "$repo/keepalived/keepalived-$node.conf" "$etc/keepalived/keepalived.conf"
    chmod 600 "$etc/keepalived/keepalived.conf"
    echo "$node" > "$etc/hostname"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=$node.lab" \
        -keyout "$etc/haproxy/stats.key" -out "$etc/haproxy/stats.crt" 2>/dev/null
    cat "$etc/haproxy/stats.crt" "$etc/haproxy/stats.key" > "$etc/haproxy/stats.pem"
    rm -f "$etc/haproxy/stats.key" "$etc/haproxy/stats.crt"
    chmod 600 "$etc/haproxy/stats.pem"
    # A full copy of the host's /etc/ssh (the directory replaces the host's),
    # without the host's keys: the node has its own.
    cp -a /etc/ssh "$etc/ssh"
    rm -f "$etc"/ssh/ssh_host_*
    ssh-keygen -q -t ed25519 -N '' -C "$node.lab" -f "$etc/ssh/ssh_host_ed25519_key"
    sed "s/@ADDR@/${ADDR[$node]}/" "$LAB_DIR/templates/sshd_config" > "$etc/ssh/sshd_config"
    cp "$LAB_STATE/id_ed25519.pub" "$etc/ssh/authorized_keys"
    echo "${ADDR[$node]} $(cut -d' ' -f1,2 "$etc/ssh/ssh_host_ed25519_key.pub")" >> "$LAB_STATE/known_hosts"
    local dir
    for dir in $NODE_PRIVATE; do mkdir -p "$LAB_STATE/nodes/$node/$dir"; done
}

# One long-lived process per node owns its mount and UTS namespaces: private
# /run, /tmp, /var/backups, /var/lib/lbdeploy (lbdeploy's journal on the node),
# /var/log and the node's hostname. Every daemon of
# the node, and every SSH session, lives in those namespaces.
start_holder() {  # NODE
    local node=$1 root="$LAB_STATE/nodes/$1" mounts="" dir
    # mkdir: a mount point the host may lack (/var/lib/lbdeploy); empty, it is left in place.
    for dir in $NODE_PRIVATE; do mounts="$mounts mkdir -p /$dir; mount -n --bind $root/$dir /$dir;"; done
    ip netns exec "$node" unshare --uts -- sh -c \
        "$mounts hostname $node; mkdir -p /run/sshd; touch /run/.lab-holder-ready; exec sleep infinity" \
        < /dev/null > "$LAB_STATE/logs/$node-holder.log" 2>&1 &
    record_pid "$node-holder" $!
    wait_until 2 test -e "$root/run/.lab-holder-ready" >/dev/null || die "holder of $node did not start"
}

in_node() {  # NODE CMD...: run inside the node's namespaces
    local node=$1 holder
    shift
    holder=$(pid_of "$node-holder") || die "$node is not running (lab up?)"
    nsenter -t "$holder" -m -n -u --wd=/ -- "$@"
}

start_daemon() {  # NODE NAME CMD...
    local node=$1 name=$2 holder
    shift 2
    holder=$(pid_of "$node-holder") || die "$node is not running"
    # nsenter itself in the background (not a shell function, which would
    # fork a subshell): nsenter execs the daemon, so $! is the daemon's PID.
    nsenter -t "$holder" -m -n -u --wd=/ -- "$@" < /dev/null > "$LAB_STATE/logs/$node-$name.log" 2>&1 &
    record_pid "$node-$name" $!
}

LB_SERVICES="sshd haproxy keepalived snmpd zabbix-agent"

start_service() {  # NODE SERVICE
    local node=$1
    case "$2" in
        sshd) start_daemon "$node" sshd /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config ;;
        haproxy) start_daemon "$node" haproxy haproxy -W -f /etc/haproxy/haproxy.cfg -p /run/haproxy.pid \
            -S /run/haproxy-master.sock,mode,600 ;;
        keepalived) start_daemon "$node" keepalived keepalived -n -l -D -G -f /etc/keepalived/keepalived.conf \
            -p /run/keepalived.pid -r /run/keepalived_vrrp.pid ;;
        snmpd) start_daemon "$node" snmpd snmpd -f -LOw -C -c /etc/snmp/snmpd.conf -p /run/snmpd.pid ;;
        zabbix-agent) start_daemon "$node" zabbix-agent zabbix_agentd -f -c /etc/zabbix/zabbix_agentd.conf ;;
        *) die "unknown service $2 (one of: $LB_SERVICES)" ;;
    esac
}

stop_service() {  # NODE SERVICE
    local file="$LAB_STATE/pids/$1-$2.pid" pid start
    [ -r "$file" ] || die "$2 is not running on $1"
    read -r pid start < "$file"
    stop_all "$pid:$start"
    rm -f "$file"
}

start_lb_node() {  # NODE
    local node=$1 service
    start_holder "$node"
    for service in $LB_SERVICES; do start_service "$node" "$service"; done
}

start_backend() {  # NODE
    local node=$1 root="$LAB_STATE/nodes/$1"
    mkdir -p "$root/html" "$root/tmp"
    echo "hello from $node" > "$root/html/index.html"
    sed -e "s|@NODE@|$node|g" -e "s|@ROOT@|$root|g" -e "s|@ADDR@|${ADDR[$node]}|g" \
        "$LAB_DIR/templates/nginx.conf" > "$root/nginx.conf"
    ip netns exec "$node" nginx -c "$root/nginx.conf" -e "$root/error.log" \
        < /dev/null > "$LAB_STATE/logs/$node-nginx.log" 2>&1 &
    record_pid "$node-nginx" $!
}
