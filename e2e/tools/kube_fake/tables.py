"""Server-side printing: the meta.k8s.io/v1 Table kubectl asks for (`Accept: ...;as=Table`) so that
`kubectl get svc` shows TYPE, CLUSTER-IP, EXTERNAL-IP and PORT(S) as with a real cluster.
Columns follow the real server's printers for these kinds; the wide-only ones have priority 1.
"""
import calendar
import time

_DESCRIPTION = {"Name": "Name must be unique within a namespace.", "Age": "CreationTimestamp is a timestamp "
                "representing the server time when this object was created."}


def human_age(timestamp, now=None):
    """Like k8s.io/apimachinery's duration.HumanDuration of now - creationTimestamp."""
    try:
        created = calendar.timegm(time.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ"))
    except (TypeError, ValueError):
        return "<unknown>"
    seconds = int((now or time.time()) - created)
    if seconds < -1:
        return "<invalid>"
    seconds = max(seconds, 0)
    minutes, hours = seconds // 60, seconds // 3600
    if seconds < 120:
        return "%ds" % seconds
    if minutes < 10:
        return "%dm%ds" % (minutes, seconds % 60) if seconds % 60 else "%dm" % minutes
    if minutes < 180:
        return "%dm" % minutes
    if hours < 8:
        return "%dh%dm" % (hours, minutes % 60) if minutes % 60 else "%dh" % hours
    if hours < 48:
        return "%dh" % hours
    if hours < 24 * 8:
        return "%dd%dh" % (hours // 24, hours % 24) if hours % 24 else "%dd" % (hours // 24)
    if hours < 24 * 365 * 2:
        return "%dd" % (hours // 24)
    return "%dy%dd" % (hours // 24 // 365, hours // 24 % 365)


def _name(obj):
    return obj["metadata"]["name"]


def _age(obj):
    return human_age(obj["metadata"].get("creationTimestamp"))


def _service_external(obj):
    spec, status = obj.get("spec", {}), obj.get("status", {})
    addresses = [i.get("ip") or i.get("hostname") for i in (status.get("loadBalancer") or {}).get("ingress") or []]
    addresses += spec.get("externalIPs") or []
    if spec.get("type") == "ExternalName":
        return spec.get("externalName", "<none>")
    if spec.get("type") == "LoadBalancer" and not addresses:
        return "<pending>"
    return ",".join(a for a in addresses if a) or "<none>"


def _service_ports(obj):
    ports = []
    for port in obj.get("spec", {}).get("ports") or []:
        text = "%s" % port.get("port")
        if port.get("nodePort"):
            text += ":%s" % port["nodePort"]
        ports.append("%s/%s" % (text, port.get("protocol", "TCP")))
    return ",".join(ports) or "<none>"


def _selector(obj):
    selector = obj.get("spec", {}).get("selector") or {}
    return ",".join("%s=%s" % item for item in sorted(selector.items())) or "<none>"


def _node_status(obj):
    conditions = {c.get("type"): c.get("status") for c in obj.get("status", {}).get("conditions") or []}
    text = {"True": "Ready", "False": "NotReady"}.get(conditions.get("Ready"), "Unknown")
    if obj.get("spec", {}).get("unschedulable"):
        text += ",SchedulingDisabled"
    return text


def _node_roles(obj):
    prefix = "node-role.kubernetes.io/"
    labels = obj["metadata"].get("labels") or {}
    roles = sorted(key[len(prefix):] for key in labels if key.startswith(prefix) and key[len(prefix):])
    return ",".join(roles) or "<none>"


def _node_address(kind):
    def cell(obj):
        found = [a.get("address") for a in obj.get("status", {}).get("addresses") or [] if a.get("type") == kind]
        return found[0] if found else "<none>"
    return cell


def _first_three(addresses):
    if not addresses:
        return "<none>"
    text = ",".join(addresses[:3])
    return text + (" + %d more..." % (len(addresses) - 3) if len(addresses) > 3 else "")


def _slice_ports(obj):
    ports = [str(p.get("port")) for p in obj.get("ports") or [] if p.get("port") is not None]
    return ",".join(ports) or "<unset>"


def _slice_endpoints(obj):
    return _first_three([a for e in obj.get("endpoints") or [] for a in e.get("addresses") or []])


def _endpoints(obj):
    addresses = []
    for subset in obj.get("subsets") or []:
        ports = [p.get("port") for p in subset.get("ports") or []] or [None]
        for address in subset.get("addresses") or []:
            addresses += ["%s:%s" % (address.get("ip"), p) if p else address.get("ip") for p in ports]
    return _first_three(addresses)


def _event_object(obj):
    involved = obj.get("involvedObject") or {}
    return "%s/%s" % ((involved.get("kind") or "").lower(), involved.get("name", ""))


def _event_last_seen(obj):
    return human_age(obj.get("lastTimestamp") or obj.get("eventTime") or obj["metadata"].get("creationTimestamp"))


def _string(path, default="<none>"):
    def cell(obj):
        value = obj
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return default if value in (None, "") else value
    return cell


# kind -> [(column name, type, priority, cell function)]
_COLUMNS = {
    "Namespace": [("Name", "string", 0, _name), ("Status", "string", 0, _string("status.phase")),
                  ("Age", "string", 0, _age)],
    "Service": [("Name", "string", 0, _name), ("Type", "string", 0, _string("spec.type")),
                ("Cluster-IP", "string", 0, _string("spec.clusterIP")),
                ("External-IP", "string", 0, _service_external), ("Port(s)", "string", 0, _service_ports),
                ("Age", "string", 0, _age), ("Selector", "string", 1, _selector)],
    "Endpoints": [("Name", "string", 0, _name), ("Endpoints", "string", 0, _endpoints), ("Age", "string", 0, _age)],
    "Node": [("Name", "string", 0, _name), ("Status", "string", 0, _node_status),
             ("Roles", "string", 0, _node_roles), ("Age", "string", 0, _age),
             ("Version", "string", 0, _string("status.nodeInfo.kubeletVersion", "")),
             ("Internal-IP", "string", 1, _node_address("InternalIP")),
             ("External-IP", "string", 1, _node_address("ExternalIP"))],
    "EndpointSlice": [("Name", "string", 0, _name), ("AddressType", "string", 0, _string("addressType")),
                      ("Ports", "string", 0, _slice_ports), ("Endpoints", "string", 0, _slice_endpoints),
                      ("Age", "string", 0, _age)],
    "Event": [("Last Seen", "string", 0, _event_last_seen), ("Type", "string", 0, _string("type", "")),
              ("Reason", "string", 0, _string("reason", "")), ("Object", "string", 0, _event_object),
              ("Message", "string", 0, _string("message", "")), ("Name", "string", 1, _name)],
}


def wants_table(accept):
    return "as=Table" in (accept or "")


def _row_object(rtype, obj, include):
    if include == "None":
        return None
    if include == "Object":
        return dict(obj, kind=rtype.kind, apiVersion=rtype.api_version)
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj["metadata"]}


def table(rtype, objects, revision=None, include="Metadata", headers=True, continue_token=""):
    columns = _COLUMNS[rtype.kind]
    rows = []
    for obj in objects:
        row = {"cells": [cell(obj) for _, _, _, cell in columns]}
        embedded = _row_object(rtype, obj, include)
        if embedded is not None:
            row["object"] = embedded
        rows.append(row)
    meta = {}
    if revision is not None:
        meta["resourceVersion"] = str(revision)
    if continue_token:
        meta["continue"] = continue_token
    definitions = [{"name": name, "type": kind, "format": "name" if name == "Name" else "",
                    "description": _DESCRIPTION.get(name, name), "priority": priority}
                   for name, kind, priority, _ in columns] if headers else []
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta, "columnDefinitions": definitions,
            "rows": rows}
