# shellcheck shell=bash
# e2e/l4v6 addresses, after topo_vars6: the L3 DSR endpoint on srv3's lo and the VIP served by it.
L3_EP6="fd00:$NET_OCTET:50::2"
VIP6B="fd00:$NET_OCTET:101::1"
# SCTP's VIP: held by no server (fullnat sources packets from it, which srv1..3 must route back).
VIP6C="fd00:$NET_OCTET:102::1"
