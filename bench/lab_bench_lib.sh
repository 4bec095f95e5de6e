# shellcheck shell=bash
# Shared by the lab benchmarks (lab_bench, rollout_bench, ansible_bench), which
# source it from the repository's root. It brings tests/lab/lib.sh (timing,
# waits, the probe, the pair) and what only the benches need: the binaries'
# default paths, min/median/max figures, the lab left as found, the change
# every rollout bench deploys and one rollout timed under the probe.

# shellcheck source=tests/lab/lib.sh
. tests/lab/lib.sh

# shellcheck disable=SC2034  # used by the benches that source this
LBDEPLOY=${LBDEPLOY_BINARY:-build/cli/lbdeploy}
LAB_PROBE=${LAB_PROBE:-build/tests/lab_probe}

needs_built() {  # FILE...: each executable, or the bench stops before it starts
    local file
    for file in "$@"; do
        [ -x "$file" ] || { echo "build first: $file missing" >&2; exit 1; }
    done
}

stats() {  # NAME VALUES...: min/median/max
    local name=$1
    shift
    printf '%-44s ' "$name"
    printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {printf "min %7s  median %7s  max %7s  (n=%d)\n", v[1], v[int((NR+1)/2)], v[NR], NR}'
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
    push_config_version "$1" "bench $1" >/dev/null
    sed "s/lua-scripts v1/lua-scripts $1/" "$LAB_FIXTURES/lua-scripts/lua/version.lua" |
        "$LAB" push lua-scripts lua/version.lua "bench $1" >/dev/null
}

# timed_rollout NAME VERSION COMMAND...: pushes the bench change, deploys it
# with COMMAND under the probe (its output in $WORK/NAME.out); appends wall ms
# and failed requests to the arrays NAME_ms and NAME_failed. A failed rollout
# ends the bench: its figures would not be comparable.
timed_rollout() {
    local name=$1 version=$2 start elapsed
    shift 2
    push_bench_change "$version"
    start_probe 300 "$WORK/probe.out"
    sleep 0.2
    start=$(now_ms)
    if ! "$@" > "$WORK/$name.out" 2>&1; then
        stop_probe
        cat "$WORK/$name.out" >&2
        echo "$(basename "$0"): the $name rollout failed" >&2
        exit 1
    fi
    elapsed=$(( $(now_ms) - start ))
    stop_probe
    local -n times="${name}_ms" failures="${name}_failed"
    times+=("$elapsed")
    failures+=("$(probe_field "$WORK/probe.out" failed)")
}
