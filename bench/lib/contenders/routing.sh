# shellcheck shell=bash
# Contender "routing": no load balancer, the client talks to server 1 directly through the LB
# namespace's plain IP forwarding. The ceiling every LB is compared against. Sourced.
routing_up() {
    LB_PIDS=""
    TARGET_WEB="http://${SRV_IP[1]}:$HTTP_PORT/"
    TARGET_BULK=${SRV_IP[1]}
    BULK_UDP=yes
}
routing_down() { :; }
