"""The resource kinds the fake serves, and the discovery and OpenAPI documents that describe them.

kubectl learns everything from discovery (/api, /api/v1, /apis, /apis/G/V): the resource's plural,
whether it is namespaced, its short names and verbs. OpenAPI is only there so that kubectl's
validation step succeeds without `--validate=false`:
- kubectl >= 1.27 checks /openapi/v3 for a `fieldValidation` query parameter on the kind's PATCH
  operation; finding it, it leaves validation to the server (which this fake skips);
- kubectl 1.20 fetches /openapi/v2 as protobuf and validates against it; a document without
  definitions makes it skip every kind ("schema not available").
"""
import hashlib
import json


class ResourceType:
    def __init__(self, plural, singular, kind, group="", version="v1", namespaced=True, short_names=(),
                 categories=(), status=False, generation=False, name_rule="subdomain", field_paths=()):
        self.plural = plural
        self.singular = singular
        self.kind = kind
        self.group = group
        self.version = version
        self.namespaced = namespaced
        self.short_names = list(short_names)
        self.categories = list(categories)
        self.status = status  # has a /status subresource; the main resource never writes status
        self.generation = generation  # metadata.generation counts changes outside metadata
        self.name_rule = name_rule
        # fieldSelector paths this kind accepts besides metadata.name and metadata.namespace
        self.field_paths = ["metadata.name"] + (["metadata.namespace"] if namespaced else []) + list(field_paths)

    @property
    def api_version(self):
        return "%s/%s" % (self.group, self.version) if self.group else self.version

    @property
    def qualified(self):
        """The name the real API uses in messages: `services`, `endpointslices.discovery.k8s.io`."""
        return "%s.%s" % (self.plural, self.group) if self.group else self.plural

    def verbs(self):
        return ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


RESOURCES = [
    ResourceType("namespaces", "namespace", "Namespace", namespaced=False, short_names=["ns"], status=True,
                 name_rule="label1123", field_paths=["status.phase"]),
    ResourceType("services", "service", "Service", short_names=["svc"], categories=["all"], status=True,
                 name_rule="label1035", field_paths=["spec.clusterIP", "spec.type"]),
    ResourceType("endpoints", "endpoints", "Endpoints", short_names=["ep"]),
    ResourceType("nodes", "node", "Node", namespaced=False, short_names=["no"], status=True,
                 field_paths=["spec.unschedulable"]),
    ResourceType("events", "event", "Event", short_names=["ev"],
                 field_paths=["involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                              "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                              "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"]),
    ResourceType("endpointslices", "endpointslice", "EndpointSlice", group="discovery.k8s.io", generation=True),
]

GROUPS = {}  # "discovery.k8s.io/v1" or "v1" -> {plural: ResourceType}
for _r in RESOURCES:
    GROUPS.setdefault(_r.api_version, {})[_r.plural] = _r

SERVER_VERSION = {
    "major": "1", "minor": "32", "gitVersion": "v1.32.0-swiftlb-fake", "gitCommit": "0" * 40,
    "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23.0", "compiler": "gc",
    "platform": "linux/amd64",
}


def api_versions(server_address):
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}


def _group_version(group, version):
    return {"groupVersion": "%s/%s" % (group, version), "version": version}


def api_group_list():
    groups = []
    for api_version in sorted(GROUPS):
        if "/" not in api_version:
            continue
        group, version = api_version.split("/")
        gv = _group_version(group, version)
        groups.append({"name": group, "versions": [gv], "preferredVersion": gv})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group):
    for entry in api_group_list()["groups"]:
        if entry["name"] == group:
            return dict(entry, kind="APIGroup", apiVersion="v1")
    return None


def api_resource_list(api_version):
    resources = []
    for rtype in GROUPS[api_version].values():
        entry = {"name": rtype.plural, "singularName": rtype.singular, "namespaced": rtype.namespaced,
                 "kind": rtype.kind, "verbs": rtype.verbs()}
        if rtype.short_names:
            entry["shortNames"] = rtype.short_names
        if rtype.categories:
            entry["categories"] = rtype.categories
        resources.append(entry)
        if rtype.status:
            resources.append({"name": rtype.plural + "/status", "singularName": "", "namespaced": rtype.namespaced,
                              "kind": rtype.kind, "verbs": ["get", "patch", "update"]})
    document = {"kind": "APIResourceList", "groupVersion": api_version, "resources": resources}
    if "/" in api_version:
        document["apiVersion"] = "v1"
    return document


# OpenAPI v3: one document per group-version, holding for each kind a PATCH operation that names
# the kind and declares `fieldValidation`; no request body, so kubectl apply computes its
# strategic merge patch from its compiled-in types.
def _openapi_v3_path_key(api_version):
    return "api/v1" if api_version == "v1" else "apis/" + api_version


def openapi_v3_document(api_version):
    paths = {}
    for rtype in GROUPS[api_version].values():
        prefix = "/" + _openapi_v3_path_key(api_version)
        scope = prefix + ("/namespaces/{namespace}/" if rtype.namespaced else "/")
        gvk = {"group": rtype.group, "version": rtype.version, "kind": rtype.kind}
        paths[scope + rtype.plural + "/{name}"] = {"patch": {
            "operationId": "patch" + rtype.kind,
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": gvk,
            "parameters": [{"name": "fieldValidation", "in": "query", "schema": {"type": "string"}},
                           {"name": "fieldManager", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "OK"}},
        }}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes (swiftlb fake)", "version": "v1.32.0"},
            "paths": paths, "components": {"schemas": {}}}


def _hash(document):
    return hashlib.sha512(json.dumps(document, sort_keys=True).encode()).hexdigest()[:64].upper()


def openapi_v3_root():
    paths = {}
    for api_version in sorted(GROUPS):
        key = _openapi_v3_path_key(api_version)
        paths[key] = {"serverRelativeURL": "/openapi/v3/%s?hash=%s" % (key, _hash(openapi_v3_document(api_version)))}
    return {"paths": paths}


def openapi_v3_lookup(path):
    """Path after /openapi/v3/ -> document, or None."""
    for api_version in GROUPS:
        if path == _openapi_v3_path_key(api_version):
            return openapi_v3_document(api_version)
    return None


OPENAPI_V2_JSON = {"swagger": "2.0", "info": {"title": "Kubernetes (swiftlb fake)", "version": "v1.32.0"},
                   "paths": {}, "definitions": {}}


def _proto_string(field, text):
    data = text.encode()
    return bytes([(field << 3) | 2, len(data)]) + data


def openapi_v2_protobuf():
    """gnostic openapi_v2.Document {swagger: "2.0"} in protobuf wire format: no definitions, so
    kubectl finds no schema for any kind and skips client-side validation."""
    return _proto_string(1, "2.0")
