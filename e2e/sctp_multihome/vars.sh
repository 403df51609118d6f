# shellcheck shell=bash
# sctp_multihome: names and addresses shared by setup, check and teardown (sourced).
SLB_PREFIX=${SLB_PREFIX:-slbsct}
scenario_init sctp_multihome
# The client's second link (c1 in the client namespace, l4 in the lb namespace) and the second VIP.
CLIENT_IP2="10.$NET_OCTET.5.2"
GW_CLIENT2="10.$NET_OCTET.5.1"
VIP2="10.$NET_OCTET.100.2"
SCTP_PORTS=(38412 38413) # default mode, fullnat
# IPv6 (topo_ipv6_up): the client's second link carries CLIENT6_2, routed to the second IPv6 VIP.
topo_vars6 "$PREFIX"
CLIENT6_2="fd00:$NET_OCTET:5::2"
GW_CLIENT6_2="fd00:$NET_OCTET:5::1"
VIP6_2="fd00:$NET_OCTET:100::2"
