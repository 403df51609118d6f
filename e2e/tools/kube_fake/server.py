"""HTTP layer: authentication, routing of API paths to store operations, JSON responses and
watch streams, the discovery/OpenAPI documents and the test control endpoints under /_fake/.
"""
import collections
import hmac
import json
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import errors, patches, protobuf, resources, tables
from .selectors import field_selector, label_selector
from .store import Store

# How long a held watch request waits for /_fake/release-watches before it goes on anyway.
WATCH_HOLD_MAX_S = 30

_PATCHERS = {
    "application/merge-patch+json": lambda kind, old, body: patches.merge_patch(old, body),
    "application/strategic-merge-patch+json": lambda kind, old, body: patches.strategic_merge_patch(old, body, kind),
    "application/json-patch+json": lambda kind, old, body: patches.json_patch(old, body),
}


class FakeApiServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, token, history, bookmark_seconds, watch_queue=1000, verbose=False):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Handler)
        self.verbose = verbose
        self.token = token
        self.bookmark_seconds = bookmark_seconds
        self.store = Store(history=history, watch_queue=watch_queue)
        # Cleared by /_fake/hold-watches: new watch requests wait (at most WATCH_HOLD_MAX_S) until
        # /_fake/release-watches, so a test can change and compact the history while no watch runs.
        self.watches_open = threading.Event()
        self.watches_open.set()
        self.stats = collections.defaultdict(lambda: collections.defaultdict(int))
        self.stats_lock = threading.Lock()

    @property
    def server_address_text(self):
        host, port = self.server_address[:2]
        return ("[%s]:%d" if ":" in host else "%s:%d") % (host, port)

    def count(self, verb, resource):
        with self.stats_lock:
            self.stats[verb][resource] += 1

    def stats_document(self):
        with self.stats_lock:
            requests = {verb: dict(counts) for verb, counts in self.stats.items()}
        return {"requests": requests, "openWatches": self.store.open_watch_count(),
                "revision": str(self.store.revision)}


def _flag(query, name):
    return query.get(name, [""])[-1].lower() in ("1", "true")


def _revision(query, name="resourceVersion"):
    text = query.get(name, [""])[-1]
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise errors.bad_request('%s: Invalid value: "%s": must be a decimal integer' % (name, text))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked watch streams, as kubectl expects
    server_version = "swiftlb-fake-apiserver"
    # TCP_NODELAY: headers and body go out as separate writes (TLS records); with Nagle the body
    # waited for the client's delayed ACK, 40 ms per request (kubectl apply: 11 objects/s).
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        if self.server.verbose:  # to stderr: stdout carries only the "listening on" line
            sys.stderr.write("%s %s\n" % (time.strftime("%H:%M:%S"), format % args))

    # --- plumbing -----------------------------------------------------------------------------

    def send_json(self, code, document, content_type="application/json"):
        body = json.dumps(document).encode() if not isinstance(document, bytes) else document
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_raw_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raw = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers
                        pass
                    return raw
                raw += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def read_body(self):
        raw = self.raw_body
        content_type = (self.headers.get("Content-Type") or "application/json").split(";")[0].strip()
        if not raw:
            return None, content_type
        if content_type == "application/vnd.kubernetes.protobuf":
            return protobuf.decode(raw, content_type), content_type
        try:
            return json.loads(raw), content_type
        except ValueError as error:
            yaml = " (YAML bodies are accepted only when they are JSON)" if "yaml" in content_type else ""
            raise errors.bad_request("couldn't get version/kind; json parse error: %s%s" % (error, yaml))

    def authorized(self):
        if self.server.token is None:
            return True
        scheme, _, given = self.headers.get("Authorization", "").strip().partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.server.token.encode())

    def handle_any(self):
        try:
            # the whole body first, so that no error answer leaves part of it on a kept-alive connection
            try:
                self.raw_body = self.read_raw_body()
            except ValueError:
                self.close_connection = True
                raise errors.bad_request("malformed chunked request body")
            if not self.authorized():
                raise errors.unauthorized()
            url = urlsplit(self.path)
            self.route(url.path.rstrip("/") or "/", parse_qs(url.query, keep_blank_values=True))
        except errors.ApiError as error:
            self.send_json(error.code, error.status)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as error:  # a bug here must not look like a dead server to the client
            traceback.print_exc(file=sys.stderr)
            failure = errors.ApiError(500, "InternalError", "Internal error occurred: %r" % error)
            self.close_connection = True
            self.send_json(500, failure.status)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any

    # --- routing ------------------------------------------------------------------------------

    def route(self, path, query):
        if path.startswith("/_fake/"):
            return self.control(path[len("/_fake/"):])
        fixed = self.fixed_document(path)
        if fixed is not None:
            if self.command not in ("GET", "HEAD"):
                raise errors.method_not_allowed()
            return self.send_json(200, *fixed) if isinstance(fixed, tuple) else self.send_json(200, fixed)
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "v1"]:
            api_version, rest = "v1", parts[2:]
        elif parts[0] == "apis" and len(parts) > 3:
            api_version, rest = "/".join(parts[1:3]), parts[3:]
        else:
            raise errors.path_not_found()
        if api_version not in resources.GROUPS:
            raise errors.path_not_found()
        self.resource_request(resources.GROUPS[api_version], rest, query)

    def fixed_document(self, path):
        """Discovery, version, health and OpenAPI documents, or None."""
        if path == "/version":
            return resources.SERVER_VERSION
        if path in ("/healthz", "/livez", "/readyz"):
            return (b"ok", "text/plain; charset=utf-8")
        if path == "/api":
            return resources.api_versions(self.server.server_address_text)
        if path == "/apis":
            return resources.api_group_list()
        if path == "/api/v1":
            return resources.api_resource_list("v1")
        parts = path.strip("/").split("/")
        if parts[0] == "apis" and len(parts) == 2:
            return resources.api_group(parts[1]) or self.missing()
        if parts[0] == "apis" and len(parts) == 3:
            version = "/".join(parts[1:])
            return resources.api_resource_list(version) if version in resources.GROUPS else self.missing()
        if path == "/openapi/v2":
            if "protobuf" in (self.headers.get("Accept") or ""):
                return (resources.openapi_v2_protobuf(), "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
            return resources.OPENAPI_V2_JSON
        if path == "/openapi/v3":
            return resources.openapi_v3_root()
        if path.startswith("/openapi/v3/"):
            return resources.openapi_v3_lookup(path[len("/openapi/v3/"):]) or self.missing()
        return None

    def missing(self):
        raise errors.path_not_found()

    def resource_request(self, group, rest, query):
        watch_path = rest[:1] == ["watch"]  # the deprecated /watch/ prefix
        if watch_path:
            rest = rest[1:]
        namespace = None
        if len(rest) >= 3 and rest[0] == "namespaces" and rest[2] in group:
            namespace, rest = rest[1], rest[2:]
        if not rest or rest[0] not in group or len(rest) > 3:
            raise errors.path_not_found()
        rtype = group[rest[0]]
        name = rest[1] if len(rest) > 1 else None
        subresource = rest[2] if len(rest) > 2 else None
        if (namespace is not None) != rtype.namespaced and (name is not None or namespace is not None):
            raise errors.path_not_found()
        if subresource not in (None, "status") or (subresource and not rtype.status):
            raise errors.path_not_found()
        label = rtype.plural + ("/" + subresource if subresource else "")
        if self.command == "GET" and (watch_path or _flag(query, "watch")):
            self.server.count("watch", label)
            return self.watch(rtype, namespace, name, query)
        if name is None:
            return self.collection(rtype, namespace, query, label)
        return self.item(rtype, namespace, name, subresource, query, label)

    def collection(self, rtype, namespace, query, label):
        if self.command == "GET":
            self.server.count("list", label)
            return self.list(rtype, namespace, query)
        if self.command == "POST":
            self.server.count("create", label)
            if rtype.namespaced and namespace is None:
                raise errors.method_not_allowed()
            body = self.body_for_write(query)
            return self.send_json(201, self.server.store.create(rtype, namespace, body))
        if self.command == "DELETE":
            self.server.count("deletecollection", label)
            self.body_for_write(query)
            selects = self.selects(rtype, query, None)
            items, _, _, _ = self.server.store.list(rtype, namespace, selects)
            for item in items:
                try:
                    self.server.store.delete(rtype, item["metadata"].get("namespace"), item["metadata"]["name"])
                except errors.ApiError:
                    pass  # deleted meanwhile
            return self.send_json(200, self.list_document(rtype, items, self.server.store.revision, "", None))
        raise errors.method_not_allowed()

    def item(self, rtype, namespace, name, subresource, query, label):
        store = self.server.store
        if self.command == "GET":
            self.server.count("get", label)
            obj = store.get(rtype, namespace, name)
            if self.table_options():
                obj = tables.table(rtype, [obj], obj["metadata"]["resourceVersion"], self.table_options())
            return self.send_json(200, obj)
        if self.command == "PUT":
            self.server.count("update", label)
            return self.send_json(200, store.update(rtype, namespace, name, self.body_for_write(query), subresource))
        if self.command == "PATCH":
            self.server.count("patch", label)
            body, content_type = self.read_body()
            self.refuse_dry_run(query, body)
            patcher = _PATCHERS.get(content_type)
            if patcher is None:
                raise errors.unsupported_media_type(content_type)
            if body is None:
                raise errors.bad_request("the patch body is empty")
            result = store.patch(rtype, namespace, name, lambda old: patcher(rtype.kind, old, body), subresource)
            return self.send_json(200, result)
        if self.command == "DELETE" and subresource is None:
            self.server.count("delete", label)
            options = self.body_for_write(query) or {}
            gone = store.delete(rtype, namespace, name, options.get("preconditions"))
            if rtype.kind == "Namespace":
                return self.send_json(200, gone)
            details = {"name": name, "kind": rtype.plural, "uid": gone["metadata"]["uid"]}
            if rtype.group:
                details["group"] = rtype.group
            return self.send_json(200, errors.status_success(details))
        raise errors.method_not_allowed()

    def body_for_write(self, query):
        body, _ = self.read_body()
        self.refuse_dry_run(query, body)
        return body

    def refuse_dry_run(self, query, body):
        # a dry run that wrote would be worse than a refusal
        if query.get("dryRun") or (isinstance(body, dict) and body.get("dryRun")):
            raise errors.bad_request("dryRun is not supported by this fake API server")

    # --- list and watch -----------------------------------------------------------------------

    def selects(self, rtype, query, name):
        labels = label_selector(query.get("labelSelector", [""])[-1])
        text = query.get("fieldSelector", [""])[-1]
        if name:
            text = ",".join(filter(None, [text, "metadata.name=" + name]))
        fields = field_selector(text, rtype)
        return lambda obj: labels(obj) and fields(obj)

    def list_document(self, rtype, items, revision, more, remaining):
        for item in items:  # items of a typed list carry no kind/apiVersion, as from the real server
            item.pop("kind", None)
            item.pop("apiVersion", None)
        meta = {"resourceVersion": str(revision)}
        if more:
            meta["continue"] = more
        if remaining is not None:
            meta["remainingItemCount"] = remaining
        return {"kind": rtype.kind + "List", "apiVersion": rtype.api_version, "metadata": meta, "items": items}

    def list(self, rtype, namespace, query):
        selects = self.selects(rtype, query, None)
        revision = _revision(query)
        exact = query.get("resourceVersionMatch", [""])[-1] == "Exact"
        try:
            limit = int(query.get("limit", ["0"])[-1] or 0)
        except ValueError:
            raise errors.bad_request("limit must be an integer")
        token = query.get("continue", [""])[-1] or None
        items, at, more, remaining = self.server.store.list(rtype, namespace, selects, revision, exact, limit, token)
        document = self.list_document(rtype, items, at, more, remaining)
        if self.table_options():
            document = tables.table(rtype, items, at, self.table_options(), continue_token=more)
        self.send_json(200, document)

    def table_options(self):
        """None, or what a Table row embeds (includeObject: None, Metadata, Object)."""
        if not tables.wants_table(self.headers.get("Accept")):
            return None
        query = parse_qs(urlsplit(self.path).query)
        return query.get("includeObject", ["Metadata"])[-1]

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def write_event(self, event):
        self.write_chunk(json.dumps(event).encode() + b"\n")

    def start_stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()

    def end_stream(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def watch(self, rtype, namespace, name, query):
        selects = self.selects(rtype, query, name)
        revision = _revision(query)
        timeout = query.get("timeoutSeconds", [""])[-1]
        deadline = time.monotonic() + float(timeout) if timeout else None
        bookmarks = _flag(query, "allowWatchBookmarks")
        initial = _flag(query, "sendInitialEvents")
        store = self.server.store
        self.server.watches_open.wait(WATCH_HOLD_MAX_S)
        try:
            watch = store.open_watch(rtype, namespace, selects, revision, initial)
        except errors.ApiError as error:
            if error.code != 410:
                raise
            # the real server accepts the watch, then says why it ends
            self.start_stream()
            self.write_event({"type": "ERROR", "object": error.status})
            self.end_stream()
            return
        try:
            self.start_stream()
            self.stream(watch, deadline, bookmarks)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True
        finally:
            store.close_watch(watch)

    def stream(self, watch, deadline, bookmarks):
        period = self.server.bookmark_seconds
        include, headers = self.table_options(), True
        next_bookmark = time.monotonic() + period
        while True:
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                return self.end_stream()
            wait = min(x for x in (deadline, next_bookmark if bookmarks else None, now + 1.0) if x is not None) - now
            item = watch.next(max(wait, 0.01))
            if item is None:
                if bookmarks and time.monotonic() >= next_bookmark:
                    self.server.store.push_bookmark(watch)
                    next_bookmark = time.monotonic() + period
                continue
            kind, value = item
            if kind == "closed":
                if value == "overflow":
                    return self.end_stream()
                return self.abort_stream()
            if include and value["type"] in ("ADDED", "MODIFIED", "DELETED"):
                # like the real server, only the first Table of a watch carries the column definitions
                value = {"type": value["type"], "object": tables.table(
                    watch.rtype, [value["object"]], value["object"]["metadata"]["resourceVersion"], include,
                    headers)}
                headers = False
            self.write_event(value)

    def abort_stream(self):
        """End the connection without the final chunk, as a dying server or proxy would."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # --- test control -------------------------------------------------------------------------

    def control(self, action):
        store = self.server.store
        if action == "stats" and self.command == "GET":
            return self.send_json(200, self.server.stats_document())
        if self.command != "POST":
            raise errors.method_not_allowed()
        if action == "compact":
            return self.send_json(200, {"compactedRevision": str(store.compact())})
        if action == "drop-watches":
            return self.send_json(200, {"dropped": store.close_all_watches("dropped")})
        if action == "hold-watches":
            self.server.watches_open.clear()
            return self.send_json(200, {"dropped": store.close_all_watches("dropped")})
        if action == "release-watches":
            self.server.watches_open.set()
            return self.send_json(200, {"released": True})
        raise errors.path_not_found()
