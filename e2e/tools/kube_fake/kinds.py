"""What the real API server does to each kind on create and update, beyond storing it: name
validation, defaulting, Service ClusterIP and NodePort allocation, status resets, generation.

Every function runs under the store's lock and may raise ApiError (422 Invalid, mostly).
"""
import ipaddress
import random
import re

from .errors import invalid

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
NODE_PORTS = range(30000, 32768)

_NAME_RULES = {
    "label1123": (r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", 63,
                  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                  "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                  "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
    "label1035": (r"[a-z]([-a-z0-9]*[a-z0-9])?", 63,
                  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                  "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
                  "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"),
    "subdomain": (r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", 253,
                  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                  "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                  "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
}


def check_name(rtype, name):
    if not name:
        raise invalid(rtype, "", [("metadata.name", "Required value: name or generateName is required")])
    pattern, longest, text = _NAME_RULES[rtype.name_rule]
    if len(name) > longest:
        raise invalid(rtype, name, [("metadata.name", 'Invalid value: "%s": must be no more than %d characters'
                                     % (name, longest))])
    if not re.fullmatch(pattern, name):
        raise invalid(rtype, name, [("metadata.name", 'Invalid value: "%s": %s' % (name, text))])


_LABEL_VALUE = r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"
_QUALIFIED_NAME = r"([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?" \
                  r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"


def check_metadata(rtype, meta):
    """labels and annotations are maps of strings; label keys and values have the real syntax."""
    name, causes = meta.get("name", ""), []
    for field in ("labels", "annotations"):
        value = meta.get(field)
        if value is None:
            continue
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            causes.append(("metadata." + field, "Invalid value: must be a map of strings"))
            continue
        for key, text in value.items():
            if not re.fullmatch(_QUALIFIED_NAME, key) or len(key.split("/")[-1]) > 63:
                causes.append(("metadata.%s" % field, 'Invalid value: "%s": name part must consist of alphanumeric '
                               "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                               "character" % key))
            elif field == "labels" and (len(text) > 63 or not re.fullmatch(_LABEL_VALUE, text)):
                causes.append(("metadata.labels", 'Invalid value: "%s": a valid label must be an empty string or '
                               "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                               "alphanumeric character" % text))
    if causes:
        raise invalid(rtype, name, causes)


class Allocator:
    """ClusterIPs and NodePorts in use; random picks like the real allocators."""

    def __init__(self):
        self.cluster_ips = set()
        self.node_ports = set()
        self.random = random.Random()

    def take_ip(self, text):
        self.cluster_ips.add(text)

    def new_ip(self):
        while True:
            # skip the network's first 10 addresses: .1 is the `kubernetes` Service's, .10 DNS's
            candidate = str(SERVICE_CIDR[self.random.randrange(11, SERVICE_CIDR.num_addresses - 1)])
            if candidate not in self.cluster_ips:
                self.cluster_ips.add(candidate)
                return candidate

    def new_port(self):
        if len(self.node_ports) >= len(NODE_PORTS):
            return None
        while True:
            candidate = self.random.choice(NODE_PORTS)
            if candidate not in self.node_ports:
                self.node_ports.add(candidate)
                return candidate

    def release(self, service):
        spec = service.get("spec") or {}
        for ip in spec.get("clusterIPs") or [spec.get("clusterIP")]:
            self.cluster_ips.discard(ip)
        for port in _service_node_ports(spec):
            self.node_ports.discard(port)


def _service_node_ports(spec):
    ports = [p.get("nodePort") for p in spec.get("ports") or [] if isinstance(p, dict)]
    ports.append(spec.get("healthCheckNodePort"))
    return [p for p in ports if p]


def _needs_node_ports(spec):
    kind = spec.get("type")
    return kind == "NodePort" or (kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts", True))


def _drop_type_dependent_fields(spec, old_spec):
    """A Service leaving NodePort/LoadBalancer loses the fields only those types have."""
    if old_spec is None:
        return
    if not _needs_node_ports(spec):
        for port in spec.get("ports") or []:
            port.pop("nodePort", None)
    if spec.get("type") != "LoadBalancer":
        for field in ("allocateLoadBalancerNodePorts", "loadBalancerClass"):
            if old_spec.get("type") == "LoadBalancer":
                spec.pop(field, None)
    if spec.get("type") not in ("NodePort", "LoadBalancer"):
        spec.pop("externalTrafficPolicy", None)
        spec.pop("healthCheckNodePort", None)


def _validate_service(rtype, name, spec, old_spec, allocator):
    causes = []
    kind = spec.get("type")
    if kind not in ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"):
        causes.append(("spec.type", 'Unsupported value: "%s": supported values: "ClusterIP", "ExternalName", '
                       '"LoadBalancer", "NodePort"' % kind))
    ports = spec.get("ports") or []
    if not ports and kind != "ExternalName" and spec.get("clusterIP") != "None":
        causes.append(("spec.ports", "Required value"))
    names = set()
    for i, port in enumerate(ports):
        field = "spec.ports[%d]" % i
        if not isinstance(port.get("port"), int) or not 1 <= port["port"] <= 65535:
            causes.append((field + ".port", "Invalid value: %s: must be between 1 and 65535, inclusive"
                           % port.get("port")))
        if port.get("protocol") not in ("TCP", "UDP", "SCTP"):
            causes.append((field + ".protocol", 'Unsupported value: "%s": supported values: "SCTP", "TCP", "UDP"'
                           % port.get("protocol")))
        if len(ports) > 1 and not port.get("name"):
            causes.append((field + ".name", "Required value"))
        if port.get("name") in names:
            causes.append((field + ".name", 'Duplicate value: "%s"' % port["name"]))
        names.add(port.get("name"))
        node_port = port.get("nodePort")
        if node_port and kind not in ("NodePort", "LoadBalancer"):
            causes.append((field + ".nodePort", "Forbidden: may not be used when `type` is '%s'" % kind))
        elif node_port and node_port not in NODE_PORTS:
            causes.append((field + ".nodePort", "Invalid value: %d: provided port is not in the valid range. "
                           "The range of valid ports is 30000-32767" % node_port))
    if spec.get("loadBalancerClass") and kind != "LoadBalancer":
        causes.append(("spec.loadBalancerClass", "Forbidden: may only be used when `type` is 'LoadBalancer'"))
    if old_spec is not None:
        external = "ExternalName" in (kind, old_spec.get("type"))
        was, now = old_spec.get("clusterIP"), spec.get("clusterIP")
        if was and now and was != now and not external:
            causes.append(("spec.clusterIP", 'Invalid value: "%s": field is immutable' % now))
        was, now = old_spec.get("loadBalancerClass"), spec.get("loadBalancerClass")
        if old_spec.get("type") == "LoadBalancer" and kind == "LoadBalancer" and was != now:
            causes.append(("spec.loadBalancerClass", 'Invalid value: "%s": may not change once set' % now))
    ip = spec.get("clusterIP")
    if ip and ip != "None" and (old_spec is None or old_spec.get("clusterIP") != ip):
        try:
            inside = ipaddress.ip_address(ip) in SERVICE_CIDR
        except ValueError:
            inside = False
        if not inside:
            causes.append(("spec.clusterIPs[0]", 'Invalid value: "%s": failed to allocate IP %s: the provided IP '
                           '(%s) is not in the valid range. The range of valid IPs is %s' % (ip, ip, ip, SERVICE_CIDR)))
        elif ip in allocator.cluster_ips:
            causes.append(("spec.clusterIPs[0]", 'Invalid value: "%s": failed to allocate IP %s: provided IP is '
                           'already allocated' % (ip, ip)))
    if causes:
        raise invalid(rtype, name, causes)


def _default_service(spec, old_spec):
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["type"] != "ExternalName":
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if spec["type"] == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    if old_spec is not None and not spec.get("clusterIP") and old_spec.get("clusterIP"):
        spec["clusterIP"] = old_spec["clusterIP"]  # kept, as when a PUT leaves it empty
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        if "targetPort" not in port and "port" in port:
            port["targetPort"] = port["port"]


def _keep_node_ports(spec, old_spec):
    """On update a port without nodePort keeps the one its same-named old port had."""
    if old_spec is None or not _needs_node_ports(old_spec) or not _needs_node_ports(spec):
        return
    old_by_name = {p.get("name", ""): p.get("nodePort") for p in old_spec.get("ports") or []}
    taken = {p.get("nodePort") for p in spec.get("ports") or [] if p.get("nodePort")}
    for port in spec.get("ports") or []:
        candidate = old_by_name.get(port.get("name", ""))
        if not port.get("nodePort") and candidate and candidate not in taken:
            port["nodePort"] = candidate
            taken.add(candidate)
    if not spec.get("healthCheckNodePort") and old_spec.get("healthCheckNodePort"):
        spec["healthCheckNodePort"] = old_spec["healthCheckNodePort"]


def _allocate_service(rtype, name, spec, old_spec, allocator):
    old_ports = set(_service_node_ports(old_spec)) if old_spec else set()
    owned = set()
    for i, port in enumerate(spec.get("ports") or []):
        node_port = port.get("nodePort")
        if node_port and node_port not in old_ports and (node_port in allocator.node_ports or node_port in owned):
            raise invalid(rtype, name, [("spec.ports[%d].nodePort" % i, "Invalid value: %d: provided port is "
                                         "already allocated" % node_port)])
        owned.add(node_port)
    wants_health = spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"
    if not wants_health:
        spec.pop("healthCheckNodePort", None)
    if old_spec is not None:
        allocator.release(old_spec)
    if spec["type"] != "ExternalName" and not spec.get("clusterIP"):
        spec["clusterIP"] = allocator.new_ip()
    elif spec.get("clusterIP") and spec["clusterIP"] != "None":
        allocator.take_ip(spec["clusterIP"])
    if spec["type"] != "ExternalName":
        spec["clusterIPs"] = [spec["clusterIP"]]
    for port in spec.get("ports") or []:
        if port.get("nodePort"):
            allocator.node_ports.add(port["nodePort"])
    if _needs_node_ports(spec):
        for port in spec.get("ports") or []:
            if not port.get("nodePort"):
                port["nodePort"] = allocator.new_port()
    if wants_health:
        if spec.get("healthCheckNodePort"):
            allocator.node_ports.add(spec["healthCheckNodePort"])
        else:
            spec["healthCheckNodePort"] = allocator.new_port()


def _validate_endpoint_slice(rtype, name, obj):
    causes = []
    if obj.get("addressType") not in ("IPv4", "IPv6", "FQDN"):
        causes.append(("addressType", 'Unsupported value: "%s": supported values: "FQDN", "IPv4", "IPv6"'
                       % obj.get("addressType")))
    for i, endpoint in enumerate(obj.get("endpoints") or []):
        if not endpoint.get("addresses"):
            causes.append(("endpoints[%d].addresses" % i, "Required value: must contain at least 1 address"))
    if causes:
        raise invalid(rtype, name, causes)


def admit(rtype, obj, old, allocator):
    """Validate and default `obj` (a create when `old` is None, else an update of `old`)."""
    name = obj["metadata"].get("name", "")
    if rtype.kind == "Service":
        spec = obj.setdefault("spec", {})
        old_spec = old.get("spec") if old else None
        _default_service(spec, old_spec)
        _drop_type_dependent_fields(spec, old_spec)
        _keep_node_ports(spec, old_spec)
        _validate_service(rtype, name, spec, old_spec, allocator)
        _allocate_service(rtype, name, spec, old_spec, allocator)
        if old is None:
            obj["status"] = {"loadBalancer": {}}
    elif rtype.kind == "Namespace":
        obj.setdefault("metadata", {}).setdefault("labels", {})["kubernetes.io/metadata.name"] = name
        if old is None:
            obj["spec"] = {"finalizers": ["kubernetes"]}
            obj["status"] = {"phase": "Active"}
    elif rtype.kind == "Node":
        obj.setdefault("spec", {})
        obj.setdefault("status", {})
    elif rtype.kind == "EndpointSlice":
        _validate_endpoint_slice(rtype, name, obj)
    elif rtype.kind == "Event":
        obj.setdefault("involvedObject", {})
        obj.setdefault("reportingComponent", "")
        obj.setdefault("reportingInstance", "")


def released(rtype, obj, allocator):
    if rtype.kind == "Service":
        allocator.release(obj)
