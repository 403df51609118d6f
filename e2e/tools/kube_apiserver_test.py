#!/usr/bin/python3
"""Self-test of the fake Kubernetes API server (kube_apiserver.py), driven by the real kubectl
and by raw HTTP.

    kube_apiserver_test.py [--kubectl PATH] [--verbose]

Starts fakes on 127.0.0.1 only, each a child process stopped by its PID:
- HTTPS with a bearer token and a throwaway self-signed certificate: the kubectl suite;
- HTTP without a token: the kubectl suite again (kubectl never sends credentials over plain
  HTTP, kubernetes/kubectl#744, so a token-protected HTTP fake is for raw clients only);
- HTTP with a token and fast bookmarks: raw HTTP checks (auth, conflicts, status subresource,
  selectors, paging, watch replay, bookmarks, 410 after compaction, dropped watches, stats);
- HTTP with --history 3: 410 once the history rolls over.
Every check is counted; the last line is `kube-apiserver fake: N passed, M failed`; the exit
status is 1 when anything failed. Every subprocess and socket read is bounded in time.
"""
import argparse
import http.client
import json
import os
import re
import select
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "kube_apiserver.py")
TOKEN = "test-token-" + os.urandom(6).hex()


class Results:
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.verbose = verbose

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            if self.verbose:
                print("ok   %s" % name, flush=True)
        else:
            self.failed += 1
            print("FAIL %s %s" % (name, str(detail)[:600]), flush=True)
        return ok


class Fake:
    """One fake API server child process."""

    def __init__(self, workdir, name, token=None, tls=None, extra=()):
        self.dir = os.path.join(workdir, name)
        os.mkdir(self.dir)
        self.token = token
        self.kubeconfig = os.path.join(self.dir, "kubeconfig")
        command = [sys.executable, SERVER, "--listen", "127.0.0.1:0", "--kubeconfig-out", self.kubeconfig,
                   "--port-file", os.path.join(self.dir, "port")] + list(extra)
        if token:
            command += ["--token", token]
        self.context = None
        if tls:
            command += ["--tls-cert", tls[0], "--tls-key", tls[1]]
            self.context = ssl.create_default_context(cafile=tls[0])
        self.stderr = open(os.path.join(self.dir, "stderr"), "w")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 10)
        line = self.process.stdout.readline() if ready else ""
        match = re.match(r"listening on 127\.0\.0\.1:(\d+)$", line.strip())
        if not match:
            self.stop()
            raise RuntimeError("fake %s did not start: %r" % (name, line))
        self.port = int(match.group(1))
        self.base = "%s://127.0.0.1:%d" % ("https" if tls else "http", self.port)

    def stop(self):
        """SIGTERM, then SIGKILL after 5 s; returns the exit status."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.stderr.close()
        self.process.stdout.close()
        return self.process.returncode

    def request(self, method, path, body=None, content_type="application/json", token=True, timeout=10):
        """-> (HTTP status, decoded JSON body or raw text)."""
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", content_type)
        if token and self.token:
            request.add_header("Authorization", "Bearer " + (token if isinstance(token, str) else self.token))
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=self.context) as response:
                code, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            code, raw = error.code, error.read()
        try:
            return code, json.loads(raw)
        except ValueError:
            return code, raw.decode(errors="replace")

    def open_watch(self, path, timeout=10):
        request = urllib.request.Request(self.base + path)
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        return urllib.request.urlopen(request, timeout=timeout, context=self.context)


def read_events(response, limit_seconds, stop=None):
    """Events of a watch stream until it ends, `stop(events)` is true, or the time is up.
    Returns (events, how): how is "end", "stopped", "timeout" or "broken"."""
    events, deadline = [], time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        try:
            line = response.readline()
        except (TimeoutError, OSError):
            return events, "timeout"
        except http.client.IncompleteRead:
            return events, "broken"
        if not line:
            return events, "end"
        events.append(json.loads(line))
        if stop and stop(events):
            return events, "stopped"
    return events, "timeout"


def kubectl(args, fake, *command, stdin=None, timeout=40):
    env = dict(os.environ, KUBECONFIG=fake.kubeconfig, HOME=fake.dir)
    try:
        return subprocess.run([args.kubectl] + list(command), input=stdin, capture_output=True, text=True,
                              env=env, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        return subprocess.CompletedProcess(error.cmd, 124, error.stdout or "", "timeout after %ss" % timeout)


def kubectl_json(args, fake, *command):
    result = kubectl(args, fake, *command, "-o", "json")
    try:
        return json.loads(result.stdout), result
    except ValueError:
        return None, result


def kubectl_minor(args):
    result = subprocess.run([args.kubectl, "version", "--client", "-o", "json"], capture_output=True, text=True,
                            timeout=20)
    try:
        return int(re.sub(r"\D.*", "", json.loads(result.stdout)["clientVersion"]["minor"]))
    except (ValueError, KeyError):
        return 0


SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: lb
  annotations:
    loxilb.io/lbmode: fullnat
    loxilb.io/liveness: "yes"
spec:
  type: LoadBalancer
  loadBalancerClass: loxilb.io/loxilb
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: 8080
  - name: https
    port: 443
"""

ENDPOINT_SLICE = """apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc12
  namespace: lb
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
- name: http
  port: 8080
  protocol: TCP
endpoints:
- addresses: ["10.244.1.5"]
  conditions: {ready: true}
  nodeName: node-a
- addresses: ["10.244.2.7"]
  conditions: {ready: false}
  nodeName: node-b
"""

NODE = """apiVersion: v1
kind: Node
metadata:
  name: node-a
  labels:
    kubernetes.io/hostname: node-a
status:
  addresses:
  - type: InternalIP
    address: 192.0.2.21
  - type: Hostname
    address: node-a
"""


def _node_ports(service):
    return {p.get("name"): p.get("nodePort") for p in service["spec"]["ports"]}


def watch_with_kubectl(args, fake, results, label):
    """`kubectl get svc --watch` in the background sees ADDED, MODIFIED and DELETED."""
    env = dict(os.environ, KUBECONFIG=fake.kubeconfig, HOME=fake.dir)
    out_path = os.path.join(fake.dir, "watch.out")
    with open(out_path, "w") as out:
        watcher = subprocess.Popen([args.kubectl, "get", "svc", "-n", "lb", "--watch", "--output-watch-events",
                                    "-o", "json"], stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        def events():
            text, found, offset = open(out_path).read(), [], 0
            decoder = json.JSONDecoder()
            while True:
                while offset < len(text) and text[offset].isspace():
                    offset += 1
                try:
                    value, offset = decoder.raw_decode(text, offset)
                except ValueError:
                    return found
                found.append((value.get("type"), value.get("object", {}).get("metadata", {}).get("name")))

        def wait_for(wanted, seconds=15):
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if wanted in events():
                    return True
                time.sleep(0.1)
            return False

        results.check(label + "watch: initial ADDED", wait_for(("ADDED", "web")), open(out_path).read())
        kubectl(args, fake, "apply", "-f", "-", stdin=SERVICE.replace("name: web\n", "name: web2\n"))
        results.check(label + "watch: ADDED web2", wait_for(("ADDED", "web2")), events())
        kubectl(args, fake, "annotate", "svc", "-n", "lb", "web2", "touched=yes")
        results.check(label + "watch: MODIFIED web2", wait_for(("MODIFIED", "web2")), events())
        kubectl(args, fake, "delete", "svc", "-n", "lb", "web2")
        results.check(label + "watch: DELETED web2", wait_for(("DELETED", "web2")), events())
    finally:
        watcher.terminate()
        try:
            watcher.wait(5)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watcher.wait(5)


def kubectl_suite(args, fake, results, label, minor):
    check = results.check
    result = kubectl(args, fake, "get", "namespaces")
    check(label + "get namespaces", result.returncode == 0 and "kube-system" in result.stdout, result.stderr)
    result = kubectl(args, fake, "create", "namespace", "lb")
    check(label + "create namespace", result.returncode == 0, result.stderr)
    result = kubectl(args, fake, "create", "namespace", "lb")
    check(label + "create namespace twice: AlreadyExists", result.returncode != 0 and "AlreadyExists" in result.stderr,
          result.stderr)

    result = kubectl(args, fake, "apply", "-f", "-", stdin=SERVICE)
    check(label + "apply service (validation on)", result.returncode == 0 and "created" in result.stdout,
          result.stdout + result.stderr)
    result = kubectl(args, fake, "apply", "-f", "-", stdin=SERVICE)
    check(label + "apply service again: unchanged", result.returncode == 0 and "unchanged" in result.stdout,
          result.stdout + result.stderr)
    service, result = kubectl_json(args, fake, "get", "svc", "-n", "lb", "web")
    ok = service is not None
    check(label + "get svc -o json", ok, result.stderr)
    if ok:
        ports = _node_ports(service)
        check(label + "nodePorts allocated", all(30000 <= (p or 0) <= 32767 for p in ports.values()) and
              len(set(ports.values())) == 2, ports)
        check(label + "clusterIP allocated", re.match(r"10\.(9[6-9]|10[0-9]|11[01])\.", service["spec"]["clusterIP"])
              is not None and service["spec"]["clusterIPs"] == [service["spec"]["clusterIP"]], service["spec"])
        check(label + "service defaults", service["spec"]["ports"][1]["targetPort"] == 443 and
              service["spec"]["ports"][0]["protocol"] == "TCP" and service["spec"]["sessionAffinity"] == "None" and
              service["spec"]["allocateLoadBalancerNodePorts"] is True and
              service["spec"]["loadBalancerClass"] == "loxilb.io/loxilb" and
              service["metadata"]["annotations"]["loxilb.io/lbmode"] == "fullnat", service["spec"])

    result = kubectl(args, fake, "apply", "-f", "-", stdin=ENDPOINT_SLICE)
    check(label + "apply endpointslice", result.returncode == 0, result.stdout + result.stderr)
    slices, result = kubectl_json(args, fake, "get", "endpointslices", "-n", "lb", "-l",
                                  "kubernetes.io/service-name=web")
    check(label + "endpointslices by service label", slices is not None and len(slices["items"]) == 1 and
          slices["items"][0]["metadata"]["generation"] == 1, result.stdout + result.stderr)

    result = kubectl(args, fake, "annotate", "svc", "-n", "lb", "web", "loxilb.io/probetype=ping")
    check(label + "annotate", result.returncode == 0, result.stderr)
    result = kubectl(args, fake, "label", "svc", "-n", "lb", "web", "tier=edge")
    check(label + "label", result.returncode == 0, result.stderr)
    found, result = kubectl_json(args, fake, "get", "svc", "-n", "lb", "-l", "tier in (edge,core)")
    check(label + "label selector finds labelled service", found is not None and
          [i["metadata"]["name"] for i in found["items"]] == ["web"] and
          found["items"][0]["metadata"]["annotations"].get("loxilb.io/probetype") == "ping", result.stderr)

    before = service and _node_ports(service)
    result = kubectl(args, fake, "patch", "svc", "-n", "lb", "web", "--type=merge", "-p",
                     '{"spec":{"externalTrafficPolicy":"Local"}}')
    patched, _ = kubectl_json(args, fake, "get", "svc", "-n", "lb", "web")
    check(label + "patch --type=merge", result.returncode == 0 and patched is not None and
          patched["spec"]["externalTrafficPolicy"] == "Local" and
          30000 <= patched["spec"].get("healthCheckNodePort", 0) <= 32767 and _node_ports(patched) == before,
          result.stderr + json.dumps(patched and patched["spec"]))

    has_subresource = "--subresource" in kubectl(args, fake, "patch", "--help").stdout
    if has_subresource:
        result = kubectl(args, fake, "patch", "svc", "-n", "lb", "web", "--subresource=status", "--type=merge", "-p",
                         '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}},"spec":{"type":"ClusterIP"}}')
        after, _ = kubectl_json(args, fake, "get", "svc", "-n", "lb", "web")
        check(label + "patch --subresource=status changes only status", result.returncode == 0 and after and
              after["status"]["loadBalancer"].get("ingress") == [{"ip": "192.0.2.10"}] and
              after["spec"]["type"] == "LoadBalancer", result.stderr)
    elif args.verbose:
        print("skip %spatch --subresource (kubectl 1.%d lacks it)" % (label, minor))
    result = kubectl(args, fake, "get", "svc", "-n", "lb", "web", "-o", "wide")
    external = "192.0.2.10" if has_subresource else "<pending>"
    check(label + "server-side table columns", re.search(r"NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE"
                                                        r"\s+SELECTOR", result.stdout) is not None and
          re.search(r"web\s+LoadBalancer\s+10\.\S+\s+%s\s+80:3\d{4}/TCP,443:3\d{4}/TCP\s+\S+\s+app=web"
                    % re.escape(external), result.stdout) is not None, result.stdout + result.stderr)

    # re-apply without the https port: the strategic merge patch drops it, http keeps its nodePort
    result = kubectl(args, fake, "apply", "-f", "-", stdin=SERVICE.replace("  - name: https\n    port: 443\n", ""))
    after, _ = kubectl_json(args, fake, "get", "svc", "-n", "lb", "web")
    check(label + "apply removing a port", result.returncode == 0 and after is not None and
          list(_node_ports(after)) == ["http"] and _node_ports(after)["http"] == (before or {}).get("http") and
          after["metadata"]["labels"].get("tier") == "edge", result.stdout + result.stderr)

    watch_with_kubectl(args, fake, results, label)

    result = kubectl(args, fake, "create", "-f", "-", stdin=NODE)
    check(label + "create node from YAML", result.returncode == 0, result.stderr)
    nodes, result = kubectl_json(args, fake, "get", "nodes")
    check(label + "get nodes", nodes is not None and nodes["items"][0]["status"]["addresses"][0]["address"] ==
          "192.0.2.21", result.stderr)
    result = kubectl(args, fake, "get", "no", "node-a")
    check(label + "short name no", result.returncode == 0 and "node-a" in result.stdout, result.stderr)

    bad = SERVICE.replace("name: web\n", "name: Web_1\n")
    result = kubectl(args, fake, "create", "-f", "-", stdin=bad)
    check(label + "invalid name rejected", result.returncode != 0 and "Invalid" in result.stderr, result.stderr)

    result = kubectl(args, fake, "delete", "svc", "-n", "lb", "web")
    check(label + "delete service", result.returncode == 0 and "deleted" in result.stdout, result.stderr)
    result = kubectl(args, fake, "get", "svc", "-n", "lb", "web")
    check(label + "deleted service is NotFound", result.returncode != 0 and "NotFound" in result.stderr,
          result.stderr)
    result = kubectl(args, fake, "delete", "-f", "-", stdin=ENDPOINT_SLICE)
    check(label + "delete -f endpointslice", result.returncode == 0, result.stderr)
    result = kubectl(args, fake, "delete", "node", "node-a")
    check(label + "delete node", result.returncode == 0, result.stderr)
    result = kubectl(args, fake, "delete", "namespace", "lb")
    check(label + "delete namespace", result.returncode == 0, result.stderr)


def make_certificate(workdir):
    cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def service_body(name, labels=None, **spec):
    body = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "labels": labels or {}},
            "spec": dict({"ports": [{"port": 80}]}, **spec)}
    return body


def raw_auth_and_errors(fake, check):
    code, body = fake.request("GET", "/api/v1/namespaces", token=False)
    check("401 without token", code == 401 and body.get("kind") == "Status" and body.get("reason") == "Unauthorized",
          (code, body))
    code, body = fake.request("GET", "/api/v1/namespaces", token="wrong")
    check("401 with a wrong token", code == 401, code)
    code, _ = fake.request("GET", "/_fake/stats", token=False)
    check("401 on control endpoints without token", code == 401, code)
    code, body = fake.request("GET", "/api/v1/namespaces")
    check("list namespaces", code == 200 and {"default", "kube-system"} <= {i["metadata"]["name"]
                                                                             for i in body["items"]}, body)
    check("list items carry no kind", all("kind" not in i for i in body["items"]), body)
    code, body = fake.request("GET", "/apis")
    check("discovery /apis", code == 200 and "discovery.k8s.io" in [g["name"] for g in body["groups"]], body)
    code, body = fake.request("GET", "/api/v1")
    names = {r["name"]: r for r in body.get("resources", [])}
    check("discovery /api/v1", code == 200 and names.get("services", {}).get("shortNames") == ["svc"] and
          "services/status" in names and "watch" in names["nodes"]["verbs"], body)

    path = "/api/v1/namespaces/default/services"
    code, created = fake.request("POST", path, service_body("raw1", {"app": "a"}, type="NodePort"))
    check("create service: 201", code == 201 and created["metadata"]["resourceVersion"].isdigit() and
          created["metadata"]["uid"] and created["metadata"]["creationTimestamp"], (code, created))
    code, body = fake.request("POST", path, service_body("raw1"))
    check("duplicate create: 409 AlreadyExists", code == 409 and body["reason"] == "AlreadyExists", body)
    code, body = fake.request("POST", "/api/v1/namespaces/nope/services", service_body("raw1"))
    check("create in a missing namespace: 404", code == 404 and body["reason"] == "NotFound", body)
    code, body = fake.request("POST", path, b"{not json")
    check("bad JSON: 400", code == 400 and body["reason"] == "BadRequest", body)
    code, body = fake.request("POST", path, service_body("Bad_Name"))
    check("bad name: 422 Invalid", code == 422 and body["reason"] == "Invalid" and
          body["details"]["causes"][0]["field"] == "metadata.name", body)
    code, body = fake.request("POST", path, service_body("raw2", type="NodePort",
                                                         ports=[{"port": 80, "nodePort": created["spec"]["ports"][0]
                                                                 ["nodePort"]}]))
    check("nodePort already allocated: 422", code == 422, body)
    code, body = fake.request("POST", path, {"apiVersion": "v1", "kind": "Service",
                                             "metadata": {"generateName": "gen-"}, "spec": {"ports": [{"port": 1}]}})
    check("generateName", code == 201 and re.fullmatch(r"gen-[a-z0-9]{5}", body["metadata"]["name"]), body)
    code, body = fake.request("GET", path + "/missing")
    check("get missing: 404 Status", code == 404 and body["reason"] == "NotFound" and
          body["details"] == {"name": "missing", "kind": "services"}, body)
    code, body = fake.request("PUT", "/api/v1/namespaces", {})
    check("PUT on a collection: 405", code == 405 and body["reason"] == "MethodNotAllowed", body)


def raw_updates(fake, check):
    path = "/api/v1/namespaces/default/services/raw1"
    _, current = fake.request("GET", path)
    stale = json.loads(json.dumps(current))
    current["spec"]["sessionAffinity"] = "ClientIP"
    code, updated = fake.request("PUT", path, current)
    check("PUT with current resourceVersion", code == 200 and int(updated["metadata"]["resourceVersion"]) >
          int(current["metadata"]["resourceVersion"]), (code, updated))
    check("PUT keeps the nodePort", updated["spec"]["ports"][0]["nodePort"] == current["spec"]["ports"][0]["nodePort"],
          updated)
    stale["spec"]["sessionAffinity"] = "None"
    code, body = fake.request("PUT", path, stale)
    check("PUT with stale resourceVersion: 409 Conflict", code == 409 and body["reason"] == "Conflict", body)
    code, same = fake.request("PUT", path, updated)
    check("no-op PUT keeps resourceVersion", code == 200 and same["metadata"]["resourceVersion"] ==
          updated["metadata"]["resourceVersion"], same)

    status = dict(updated, status={"loadBalancer": {"ingress": [{"ip": "192.0.2.1"}]}})
    status["spec"] = dict(updated["spec"], type="ClusterIP")
    code, body = fake.request("PUT", path + "/status", status)
    check("PUT status changes only status", code == 200 and body["spec"]["type"] == "NodePort" and
          body["status"]["loadBalancer"]["ingress"] == [{"ip": "192.0.2.1"}], body)
    main = dict(body, status={"loadBalancer": {}})
    main["metadata"] = dict(body["metadata"], labels={"app": "a", "x": "y"})
    code, body = fake.request("PUT", path, main)
    check("PUT main keeps status", code == 200 and body["status"]["loadBalancer"]["ingress"] == [{"ip": "192.0.2.1"}]
          and body["metadata"]["labels"]["x"] == "y", body)
    code, body = fake.request("PATCH", path, {"status": {"loadBalancer": None}, "metadata": {"labels": {"x": None}}},
                              "application/merge-patch+json")
    check("merge patch main ignores status", code == 200 and body["status"]["loadBalancer"]["ingress"] and
          "x" not in body["metadata"]["labels"], body)
    code, body = fake.request("PATCH", path + "/status",
                              {"status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.2"}]}},
                               "spec": {"type": "ClusterIP"}},
                              "application/merge-patch+json")
    check("merge patch status ignores spec", code == 200 and body["spec"]["type"] == "NodePort" and
          body["status"]["loadBalancer"]["ingress"] == [{"ip": "192.0.2.2"}], body)
    code, body = fake.request("PATCH", path, [{"op": "add", "path": "/metadata/labels/json", "value": "patch"},
                                              {"op": "test", "path": "/spec/type", "value": "NodePort"}],
                              "application/json-patch+json")
    check("json patch", code == 200 and body["metadata"]["labels"]["json"] == "patch", body)
    code, body = fake.request("PATCH", path, [{"op": "test", "path": "/spec/type", "value": "ClusterIP"}],
                              "application/json-patch+json")
    check("json patch failed test: 422", code == 422, body)
    code, body = fake.request("PATCH", path, {"metadata": {"resourceVersion": "1"}, "spec": {"type": "ClusterIP"}},
                              "application/merge-patch+json")
    check("patch with a stale resourceVersion: 409", code == 409, body)
    code, body = fake.request("PATCH", path, {"spec": {"ports": [{"port": 81, "name": "b"},
                                                                 {"port": 80, "name": "a"}]}},
                              "application/strategic-merge-patch+json")
    check("strategic merge adds a port by merge key", code == 200 and
          sorted(p["port"] for p in body["spec"]["ports"]) == [80, 81], body)
    code, body = fake.request("PATCH", path, {"spec": {"ports": [{"port": 81, "$patch": "delete"}],
                                                       "$setElementOrder/ports": [{"port": 80}]}},
                              "application/strategic-merge-patch+json")
    check("strategic merge $patch: delete", code == 200 and [p["port"] for p in body["spec"]["ports"]] == [80], body)
    code, body = fake.request("PATCH", path, {"spec": {"type": "ClusterIP"}}, "application/apply-patch+yaml")
    check("server-side apply: 415", code == 415, body)
    code, body = fake.request("PATCH", path, {"spec": {"type": "ClusterIP"}}, "application/merge-patch+json")
    check("NodePort -> ClusterIP drops nodePorts", code == 200 and "nodePort" not in body["spec"]["ports"][0], body)


def raw_lists(fake, check):
    base = "/api/v1/namespaces/default/services"
    for name, labels in (("sel-a", {"app": "x", "tier": "fe"}), ("sel-b", {"app": "y"}), ("sel-c", {})):
        fake.request("POST", base, service_body(name, labels))

    def names(query, path=base):
        _, body = fake.request("GET", path + "?" + query)
        return sorted(i["metadata"]["name"] for i in body.get("items", []) if i["metadata"]["name"].startswith("sel"))

    check("labelSelector equality", names("labelSelector=app%3Dx") == ["sel-a"])
    check("labelSelector in", names("labelSelector=app+in+(x,y)") == ["sel-a", "sel-b"])
    check("labelSelector exists / !exists", names("labelSelector=tier") == ["sel-a"] and
          names("labelSelector=!app") == ["sel-c"])
    check("labelSelector !=", names("labelSelector=app!%3Dx") == ["sel-b", "sel-c"])
    check("fieldSelector metadata.name", names("fieldSelector=metadata.name%3Dsel-b") == ["sel-b"])
    check("all-namespaces list with fieldSelector metadata.namespace",
          names("fieldSelector=metadata.namespace%3Ddefault", "/api/v1/services") ==
          ["sel-a", "sel-b", "sel-c"])
    code, body = fake.request("GET", base + "?fieldSelector=spec.bogus%3D1")
    check("unsupported field selector: 400", code == 400, body)
    request = urllib.request.Request(fake.base + base + "?labelSelector=app%3Dx", headers={
        "Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
        "Authorization": "Bearer " + fake.token})
    with urllib.request.urlopen(request, timeout=10) as response:
        table = json.loads(response.read())
    check("Table for kubectl get", table["kind"] == "Table" and table["columnDefinitions"][0]["name"] == "Name" and
          [r["cells"][:2] for r in table["rows"]] == [["sel-a", "ClusterIP"]] and
          table["rows"][0]["object"]["kind"] == "PartialObjectMetadata", table)
    _, stats = fake.request("GET", "/_fake/stats")
    _, page = fake.request("GET", base + "?limit=2")
    check("list resourceVersion is the current revision", page["metadata"]["resourceVersion"] == stats["revision"],
          (page["metadata"], stats["revision"]))
    seen = [i["metadata"]["name"] for i in page["items"]]
    pages = 1
    while page["metadata"].get("continue") and pages < 20:
        _, page = fake.request("GET", base + "?limit=2&continue=" + page["metadata"]["continue"])
        seen += [i["metadata"]["name"] for i in page["items"]]
        pages += 1
    _, whole = fake.request("GET", base)
    check("limit + continue pages through everything", pages > 1 and seen ==
          [i["metadata"]["name"] for i in whole["items"]], (seen, pages))


def raw_watches(fake, check):
    base = "/api/v1/namespaces/default/services"
    _, listed = fake.request("GET", base)
    start = listed["metadata"]["resourceVersion"]
    fake.request("POST", base, service_body("w1", {"app": "w"}))
    fake.request("PATCH", base + "/w1", {"metadata": {"labels": {"step": "2"}}}, "application/merge-patch+json")
    fake.request("DELETE", base + "/w1")
    with fake.open_watch(base + "?watch=1&resourceVersion=%s&timeoutSeconds=2" % start) as response:
        kinds = response.headers.get("Content-Type"), response.headers.get("Transfer-Encoding")
        events, how = read_events(response, 8)
    check("watch is a chunked JSON stream", kinds == ("application/json", "chunked"), kinds)
    check("watch from RV replays ADDED, MODIFIED, DELETED",
          [(e["type"], e["object"]["metadata"]["name"]) for e in events] ==
          [("ADDED", "w1"), ("MODIFIED", "w1"), ("DELETED", "w1")], events)
    check("watch events carry kind and increasing RVs", all(e["object"]["kind"] == "Service" for e in events) and
          [int(e["object"]["metadata"]["resourceVersion"]) for e in events] ==
          sorted(int(e["object"]["metadata"]["resourceVersion"]) for e in events), events)
    check("timeoutSeconds ends the stream cleanly", how == "end", how)

    with fake.open_watch(base + "?watch=true&timeoutSeconds=1") as response:
        events = [json.loads(line) for line in response.read().splitlines()]  # raises unless the end is clean
    check("watch without RV starts with synthetic ADDED", events and all(e["type"] == "ADDED" for e in events) and
          "sel-a" in [e["object"]["metadata"]["name"] for e in events], events)

    # a selector watch sees an object that stops matching as DELETED
    fake.request("POST", base, service_body("w2", {"app": "w"}))
    _, now = fake.request("GET", base)
    rv = now["metadata"]["resourceVersion"]
    fake.request("PATCH", base + "/w2", {"metadata": {"labels": {"app": "other"}}}, "application/merge-patch+json")
    fake.request("PATCH", base + "/w2", {"metadata": {"labels": {"app": "w"}}}, "application/merge-patch+json")
    with fake.open_watch(base + "?watch=1&labelSelector=app%%3Dw&resourceVersion=%s&timeoutSeconds=1" % rv) as r:
        events, _ = read_events(r, 6)
    check("selector watch: leaving the selection is DELETED, coming back ADDED",
          [e["type"] for e in events] == ["DELETED", "ADDED"], events)

    with fake.open_watch(base + "?watch=1&allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=2" % rv) as r:
        events, _ = read_events(r, 8)
    bookmarks = [e for e in events if e["type"] == "BOOKMARK"]
    check("bookmarks arrive", bookmarks and all(set(b["object"]) == {"kind", "apiVersion", "metadata"} and
                                                 list(b["object"]["metadata"]) == ["resourceVersion"]
                                                 for b in bookmarks), events)

    # dropping watches: the stream breaks without its final chunk
    response = fake.open_watch(base + "?watch=1&resourceVersion=%s" % rv)
    holder = {}

    def read_to_end():
        # read() insists on the final chunk: IncompleteRead tells an abrupt end from a clean one
        try:
            holder["result"] = ("end", response.read())
        except http.client.IncompleteRead as error:
            holder["result"] = ("broken", error.partial)
        except OSError as error:
            holder["result"] = ("error", repr(error))

    reader = threading.Thread(target=read_to_end, daemon=True)
    reader.start()
    time.sleep(0.3)
    _, stats = fake.request("GET", "/_fake/stats")
    check("stats count an open watch", stats["openWatches"] >= 1, stats)
    code, body = fake.request("POST", "/_fake/drop-watches")
    reader.join(10)
    response.close()
    check("drop-watches closes the stream abruptly", code == 200 and body["dropped"] >= 1 and
          holder.get("result", ("",))[0] == "broken", (body, holder))
    time.sleep(0.3)
    _, stats = fake.request("GET", "/_fake/stats")
    check("stats count requests per verb and resource", stats["openWatches"] == 0 and
          stats["requests"]["watch"]["services"] >= 5 and stats["requests"]["list"]["services"] >= 3 and
          stats["requests"]["update"]["services/status"] == 1, stats)

    # compaction: every older RV is gone
    code, _ = fake.request("POST", "/_fake/compact")
    with fake.open_watch(base + "?watch=1&resourceVersion=%s" % start) as response:
        status = response.status
        events, how = read_events(response, 5)
    check("watch from a compacted RV: 200, one ERROR 410 Expired, end", status == 200 and how == "end" and
          len(events) == 1 and events[0]["type"] == "ERROR" and events[0]["object"]["code"] == 410 and
          events[0]["object"]["reason"] == "Expired", events)
    code, body = fake.request("GET", base + "?resourceVersion=%s&resourceVersionMatch=Exact" % start)
    check("list at a compacted exact RV: 410", code == 410 and body["reason"] == "Expired", body)
    _, stats = fake.request("GET", "/_fake/stats")
    with fake.open_watch(base + "?watch=1&resourceVersion=%s&timeoutSeconds=1" % stats["revision"]) as response:
        events, how = read_events(response, 5)
    check("watch from the current RV after compaction works", how == "end" and events == [], events)


def raw_other_kinds(fake, check):
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "web.1", "namespace": "default"},
             "involvedObject": {"kind": "Service", "namespace": "default", "name": "web"},
             "reason": "ExternalIP", "message": "assigned 192.0.2.10", "type": "Normal", "count": 1,
             "source": {"component": "swiftlb-kube"}}
    code, body = fake.request("POST", "/api/v1/namespaces/default/events", event)
    check("create core v1 event", code == 201 and body["reason"] == "ExternalIP", body)
    code, body = fake.request("GET", "/api/v1/events?fieldSelector=involvedObject.name%3Dweb,reason%3DExternalIP")
    check("events by involvedObject field selector", code == 200 and len(body["items"]) == 1, body)
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {"role": "lb"}},
            "status": {"addresses": [{"type": "InternalIP", "address": "192.0.2.31"}]}}
    code, body = fake.request("POST", "/api/v1/nodes", node)
    check("create node keeps its status", code == 201 and body["status"]["addresses"][0]["address"] == "192.0.2.31",
          body)
    code, body = fake.request("PATCH", "/api/v1/nodes/n1/status",
                              {"status": {"addresses": [{"type": "InternalIP", "address": "192.0.2.32"}]}},
                              "application/strategic-merge-patch+json")
    check("node status strategic merge by address type", code == 200 and
          body["status"]["addresses"] == [{"type": "InternalIP", "address": "192.0.2.32"}], body)
    code, body = fake.request("GET", "/api/v1/namespaces/default/nodes")
    check("cluster-scoped kind under a namespace: 404", code == 404, body)
    slice_path = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"
    eps = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
           "metadata": {"generateName": "web-", "labels": {"kubernetes.io/service-name": "web"}},
           "addressType": "IPv4", "endpoints": [{"addresses": ["10.244.0.9"]}], "ports": [{"port": 80}]}
    code, created = fake.request("POST", slice_path, eps)
    check("create endpointslice with generateName", code == 201 and created["metadata"]["generation"] == 1, created)
    code, body = fake.request("PATCH", slice_path + "/" + created["metadata"]["name"],
                              {"endpoints": [{"addresses": ["10.244.0.10"]}]}, "application/merge-patch+json")
    check("endpointslice generation counts changes", code == 200 and body["metadata"]["generation"] == 2, body)
    code, body = fake.request("POST", slice_path, dict(eps, addressType="IPv5"))
    check("endpointslice addressType validated", code == 422, body)
    code, body = fake.request("POST", "/api/v1/namespaces/default/services",
                              service_body("badlabel", {"a": "not valid!"}))
    check("invalid label value: 422", code == 422 and body["details"]["causes"][0]["field"] == "metadata.labels",
          body)

    with fake.open_watch(slice_path + "?watch=1&sendInitialEvents=true&allowWatchBookmarks=true"
                                      "&resourceVersionMatch=NotOlderThan&timeoutSeconds=1") as response:
        events, _ = read_events(response, 5)
    check("sendInitialEvents: ADDED then the initial-events-end bookmark",
          [e["type"] for e in events][:2] == ["ADDED", "BOOKMARK"] and
          events[1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}, events)
    code, body = fake.request("DELETE", slice_path + "?labelSelector=kubernetes.io%2Fservice-name%3Dweb")
    _, left = fake.request("GET", slice_path)
    check("deletecollection with a label selector", code == 200 and left["items"] == [], (body, left))


def raw_history_rollover(fake, check):
    base = "/api/v1/namespaces/default/services"
    _, listed = fake.request("GET", base)
    start = listed["metadata"]["resourceVersion"]
    for i in range(5):
        fake.request("POST", base, service_body("roll%d" % i))
    code, body = fake.request("GET", base + "?resourceVersion=%s&resourceVersionMatch=Exact" % start)
    check("history rollover: exact list 410", code == 410, body)
    with fake.open_watch(base + "?watch=1&resourceVersion=%s" % start) as response:
        events, _ = read_events(response, 5)
    check("history rollover: watch ERROR 410", [e["type"] for e in events] == ["ERROR"] and
          events[0]["object"]["code"] == 410, events)
    _, recent = fake.request("GET", base)
    code, body = fake.request("GET", base + "?resourceVersion=%d&resourceVersionMatch=Exact" %
                              (int(recent["metadata"]["resourceVersion"]) - 1))
    check("exact list at a kept RV is rebuilt", code == 200 and len(body["items"]) == len(recent["items"]) - 1,
          body)


def in_process_store(check):
    """Store-level behaviour that HTTP cannot show deterministically (socket buffers hide a
    stalled reader): a watch whose queue overflows is ended and writers never wait for it."""
    sys.path.insert(0, HERE)
    from kube_fake.resources import GROUPS
    from kube_fake.store import Store
    store = Store(watch_queue=3)
    services = GROUPS["v1"]["services"]
    watch = store.open_watch(services, None, lambda obj: True, None)
    started = time.monotonic()
    for i in range(10):
        store.create(services, "default", service_body("q%d" % i))
    check("overflowing watch is closed, writers not blocked", watch.closed == "overflow" and
          time.monotonic() - started < 2, (watch.closed, time.monotonic() - started))
    drained = [watch.next(0.1) for _ in range(4)]
    check("overflowed watch delivers what it holds, then ends",
          [kind for kind, _ in drained] == ["event", "event", "event", "closed"], drained)


def in_process_patches(check):
    """The patch functions against examples from RFC 7386, RFC 6902 and strategic merge patch."""
    sys.path.insert(0, HERE)
    from kube_fake import patches
    merge_cases = [({"a": "b"}, {"a": "c"}, {"a": "c"}), ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
                   ({"a": "b"}, {"a": None}, {}), ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
                   ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
                   ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}), ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}})]
    check("RFC 7386 examples", all(patches.merge_patch(t, p) == r for t, p, r in merge_cases),
          [(t, p, patches.merge_patch(t, p)) for t, p, r in merge_cases if patches.merge_patch(t, p) != r])
    doc = {"foo": ["bar", "baz"], "a/b": 1, "x": {"y": 2}}
    ops = [{"op": "add", "path": "/foo/1", "value": "qux"}, {"op": "add", "path": "/foo/-", "value": "end"},
           {"op": "remove", "path": "/foo/0"}, {"op": "replace", "path": "/a~1b", "value": 3},
           {"op": "move", "from": "/x/y", "path": "/z"}, {"op": "copy", "from": "/z", "path": "/w"},
           {"op": "test", "path": "/foo", "value": ["qux", "baz", "end"]}]
    result = patches.json_patch(doc, ops)
    check("RFC 6902 operations", result == {"foo": ["qux", "baz", "end"], "a/b": 3, "x": {}, "z": 2, "w": 2} and
          doc["foo"] == ["bar", "baz"], result)
    service = {"metadata": {"finalizers": ["a"], "labels": {"k": "v"}},
               "spec": {"ports": [{"port": 80, "name": "http", "nodePort": 30080}, {"port": 443, "name": "https"}],
                        "selector": {"app": "x", "tier": "y"}, "externalIPs": ["192.0.2.1"]}}
    patch = {"metadata": {"finalizers": ["b"], "$deleteFromPrimitiveList/finalizers": ["a"]},
             "spec": {"$setElementOrder/ports": [{"port": 443}, {"port": 80}],
                      "ports": [{"port": 80, "targetPort": 8080}, {"port": 443, "$patch": "delete"},
                                {"port": 53, "protocol": "UDP"}],
                      "selector": {"$patch": "replace", "app": "z"}, "externalIPs": ["192.0.2.2"]}}
    result = patches.strategic_merge_patch(service, patch, "Service")
    check("strategic merge patch directives", result == {
        "metadata": {"finalizers": ["b"], "labels": {"k": "v"}},
        "spec": {"ports": [{"port": 80, "name": "http", "nodePort": 30080, "targetPort": 8080},
                           {"port": 53, "protocol": "UDP"}],
                 "selector": {"app": "z"}, "externalIPs": ["192.0.2.2"]}}, result)
    result = patches.strategic_merge_patch({"spec": {"a": 1, "b": 2, "c": {"d": 1}}},
                                           {"spec": {"$retainKeys": ["a", "c"], "c": {"e": 2}}}, "Service")
    check("strategic merge $retainKeys", result == {"spec": {"a": 1, "c": {"d": 1, "e": 2}}}, result)


def main():
    parser = argparse.ArgumentParser(description="self-test of the fake Kubernetes API server")
    parser.add_argument("--kubectl", default=os.environ.get("KUBECTL", "kubectl"))
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    results = Results(args.verbose)
    workdir = tempfile.mkdtemp(prefix="kube-fake-test-")
    fakes = []
    try:
        have_kubectl = shutil.which(args.kubectl) is not None
        minor = kubectl_minor(args) if have_kubectl else 0
        if have_kubectl:
            tls = make_certificate(workdir)
            fake = Fake(workdir, "tls", token=TOKEN, tls=tls)
            fakes.append(fake)
            code, body = fake.request("GET", "/version")
            results.check("https with token", code == 200 and body.get("major") == "1", body)
            plain = Fake(workdir, "http")
            fakes.append(plain)
            for target, label in ((fake, "[tls] "), (plain, "[http] ")):
                try:
                    kubectl_suite(args, target, results, label, minor)
                except Exception as error:
                    results.check(label + "kubectl suite ran to its end", False, repr(error))
        else:
            results.check("kubectl found (%s)" % args.kubectl, False)
        fake = Fake(workdir, "raw", token=TOKEN, extra=["--bookmark-seconds", "0.5"])
        fakes.append(fake)
        small = Fake(workdir, "small", token=TOKEN, extra=["--history", "3"])
        fakes.append(small)
        suites = [(suite, fake) for suite in (raw_auth_and_errors, raw_updates, raw_lists, raw_other_kinds,
                                              raw_watches)]
        suites += [(raw_history_rollover, small), (in_process_store, None), (in_process_patches, None)]
        for suite, target in suites:
            try:
                suite(target, results.check) if target else suite(results.check)
            except Exception as error:  # a crash in one suite is a failure, not the end of the run
                results.check(suite.__name__ + " ran to its end", False, repr(error))
    except Exception as error:  # setup (certificate, a fake that would not start): still print the summary
        results.check("setup", False, repr(error))
    finally:
        for fake in fakes:
            status = fake.stop()
            results.check("fake %s exits 0 on SIGTERM" % os.path.basename(fake.dir), status == 0, status)
        shutil.rmtree(workdir, ignore_errors=True)
    print("kube-apiserver fake: %d passed, %d failed" % (results.passed, results.failed))
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
