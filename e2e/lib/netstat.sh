# shellcheck shell=bash
# Kernel TCP counters of a namespace, and "NAME VALUE" snapshots read back (the benchmark's churn
# run and e2e/churn). Sourced after common.sh.

# tcp_counters NS: "NAME VALUE" lines of the namespace's kernel TCP counters, as nstat names them
# (TcpExtTCPSynRetrans, TcpExtPAWSTimewait, ...): absolute values, nstat's history file neither
# read nor written.
tcp_counters() {
    in_ns "$1" nstat -asz 2>/dev/null | awk 'NF >= 2 && $1 !~ /^#/ {print $1, $2}'
}

# counter_of FILE NAME: the value of NAME in a "NAME VALUE" snapshot (FILE - reads standard
# input; 0 if absent).
counter_of() {
    awk -v n="$2" '$1 == n {v = $2} END {print v + 0}' "$1"
}
