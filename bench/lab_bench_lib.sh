# Shared by the lab benchmarks (lab_bench, rollout_bench, ansible_bench), which
# source it after setting LAB: timing, min/median/max figures, probe output,
# the lab's state and the bench change pushed to its repositories.

now_ms() { date +%s%3N; }

stats() {  # NAME VALUES...: min/median/max
    local name=$1
    shift
    printf '%-44s ' "$name"
    printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {printf "min %7s  median %7s  max %7s  (n=%d)\n", v[1], v[int((NR+1)/2)], v[NR], NR}'
}

probe_field() {  # FILE KEY: a value from lab_probe's summary line
    tr ' ' '\n' < "$1" | sed -n "s/^$2=//p"
}

# The benches leave the lab as they found it: up_unless_up records whether it
# brought the lab up, down_if_brought_up undoes exactly that.
BENCH_BROUGHT_LAB_UP=no
lab_up_unless_up() {
    if ! "$LAB" status >/dev/null 2>&1; then
        "$LAB" up >/dev/null 2>&1
        BENCH_BROUGHT_LAB_UP=yes
    fi
}
lab_down_if_brought_up() {
    [ "$BENCH_BROUGHT_LAB_UP" = no ] || "$LAB" down >/dev/null 2>&1
}

# The change every rollout bench deploys: X-Config-Version in haproxy.cfg and
# the version in the Lua dependency, both set to VERSION.
push_bench_change() {  # VERSION
    sed "s/X-Config-Version v1/X-Config-Version $1/" tests/lab/fixtures/lb-config/lab/filesystem/etc/haproxy/haproxy.cfg |
        "$LAB" push lb-config lab/filesystem/etc/haproxy/haproxy.cfg "bench $1" >/dev/null
    sed "s/lua-scripts v1/lua-scripts $1/" tests/lab/fixtures/lua-scripts/lua/version.lua |
        "$LAB" push lua-scripts lua/version.lua "bench $1" >/dev/null
}
