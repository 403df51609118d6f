"""The object store: objects, one revision counter, a bounded event history and the open watches.

Like etcd behind the real API server, every write bumps one global revision, which becomes the
written object's metadata.resourceVersion; lists report the current revision. The history keeps
the last N events (with the object before each write) so that watches can resume from a
revision and lists can be served at an exact older revision; anything older is "compacted" and
answered with 410 Expired. One lock guards everything; watchers get events through their own
bounded queues, filled under the lock so that no event can slip between a replay and live events.
"""
import base64
import binascii
import collections
import copy
import json
import random
import threading
import time
import uuid

from . import errors, kinds
from .resources import GROUPS

_GENERATE_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # the real name generator's alphabet


def now_rfc3339():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def key_of(obj):
    meta = obj["metadata"]
    return (meta.get("namespace", ""), meta["name"])


class HistoryEvent:
    def __init__(self, revision, kind, rtype, obj, prev):
        self.revision = revision
        self.type = kind  # ADDED, MODIFIED, DELETED
        self.rtype = rtype
        self.obj = obj  # state after the write (for DELETED: the last state, at the deletion's revision)
        self.prev = prev  # state before the write, None for ADDED


class Watch:
    """One open watch: its filter and the queue its HTTP thread drains."""

    def __init__(self, rtype, namespace, selects, capacity):
        self.rtype = rtype
        self.namespace = namespace
        self.selects = selects  # predicate on an object: label and field selectors
        self.capacity = capacity
        self.items = collections.deque()
        self.ready = threading.Condition()
        self.closed = None  # why the stream must end: "overflow", "dropped", "shutdown"

    def push(self, item):
        with self.ready:
            if self.closed:
                return
            if len(self.items) >= self.capacity:
                self.closed = "overflow"  # a slow reader loses its watch instead of slowing writers
            else:
                self.items.append(item)
            self.ready.notify()

    def close(self, why):
        with self.ready:
            self.closed = self.closed or why
            self.ready.notify()

    def next(self, timeout):
        """("event", dict) | ("closed", why) | None on timeout."""
        with self.ready:
            if not self.items and not self.closed:
                self.ready.wait(timeout)
            if self.closed and self.closed != "overflow":
                return ("closed", self.closed)  # dropped/shutdown: at once, mid-stream
            if self.items:
                return ("event", self.items.popleft())
            if self.closed:
                return ("closed", self.closed)
            return None

    def matches(self, obj):
        if self.namespace and obj["metadata"].get("namespace") != self.namespace:
            return False
        return self.selects(obj)

    def translate(self, event):
        """The event this watcher sees, as the real watch cache decides: an object that starts
        matching is ADDED, one that stops matching is DELETED (its previous state at the event's
        revision), one that never matched is not seen."""
        now = event.type != "DELETED" and self.matches(event.obj)
        before = event.prev is not None and self.matches(event.prev)
        if now and before:
            return {"type": "MODIFIED", "object": event.obj}
        if now:
            return {"type": "ADDED", "object": event.obj}
        if before:
            gone = copy.deepcopy(event.prev)
            gone["metadata"]["resourceVersion"] = str(event.revision)
            return {"type": "DELETED", "object": gone}
        return None


class Store:
    def __init__(self, history=1000, watch_queue=1000):
        self.lock = threading.Lock()
        self.revision = 0
        self.compacted = 0  # events at or below this revision may be missing from the history
        self.history = collections.deque()
        self.history_limit = history
        self.watch_queue = watch_queue
        self.objects = {rtype.plural: {} for group in GROUPS.values() for rtype in group.values()}
        self.watches = set()
        self.allocator = kinds.Allocator()
        self.random = random.Random()
        namespaces = GROUPS["v1"]["namespaces"]
        for name in ("default", "kube-system", "kube-public"):
            self.create(namespaces, None, {"metadata": {"name": name}})

    # --- writes -------------------------------------------------------------------------------

    def _record(self, kind, rtype, obj, prev):
        event = HistoryEvent(self.revision, kind, rtype, obj, prev)
        self.history.append(event)
        while len(self.history) > self.history_limit:
            self.compacted = self.history.popleft().revision
        for watch in list(self.watches):
            if watch.rtype is rtype:
                seen = watch.translate(event)
                if seen:
                    watch.push(seen)

    def _stamp(self, obj):
        self.revision += 1
        obj["metadata"]["resourceVersion"] = str(self.revision)

    def _require_namespace(self, rtype, namespace):
        if rtype.namespaced and ("", namespace) not in self.objects["namespaces"]:
            raise errors.not_found(GROUPS["v1"]["namespaces"], namespace)

    def create(self, rtype, namespace, body):
        with self.lock:
            obj = _checked_body(rtype, body)
            meta = obj["metadata"]
            if meta.get("resourceVersion"):
                raise errors.bad_request("resourceVersion should not be set on objects to be created")
            if not meta.get("name") and meta.get("generateName"):
                meta["name"] = meta["generateName"] + "".join(self.random.choice(_GENERATE_CHARS) for _ in range(5))
            _set_namespace(rtype, obj, namespace)
            kinds.check_name(rtype, meta.get("name"))
            self._require_namespace(rtype, meta.get("namespace"))
            if key_of(obj) in self.objects[rtype.plural]:
                raise errors.already_exists(rtype, meta["name"])
            kinds.admit(rtype, obj, None, self.allocator)
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = now_rfc3339()
            for field in ("deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"):
                meta.pop(field, None)
            if rtype.generation:
                meta["generation"] = 1
            self._stamp(obj)
            self.objects[rtype.plural][key_of(obj)] = obj
            self._record("ADDED", rtype, obj, None)
            return copy.deepcopy(obj)

    def update(self, rtype, namespace, name, body, subresource=None):
        with self.lock:
            old = self._current(rtype, namespace, name)
            return self._write(rtype, old, _checked_body(rtype, body), subresource)

    def patch(self, rtype, namespace, name, apply_patch, subresource=None):
        """apply_patch(current object) -> patched object, written like an update."""
        with self.lock:
            old = self._current(rtype, namespace, name)
            patched = apply_patch(copy.deepcopy(old))
            if not isinstance(patched, dict) or not isinstance(patched.get("metadata", {}), dict):
                raise errors.bad_request("the patch does not result in an object")
            return self._write(rtype, old, _checked_body(rtype, patched), subresource)

    def _write(self, rtype, old, new, subresource):
        meta, old_meta = new["metadata"], old["metadata"]
        if meta.get("name", old_meta["name"]) != old_meta["name"]:
            raise errors.bad_request("the name of the object (%s) does not match the name on the URL (%s)"
                                     % (meta.get("name"), old_meta["name"]))
        if meta.get("namespace", old_meta.get("namespace")) != old_meta.get("namespace") and rtype.namespaced:
            raise errors.bad_request("the namespace of the provided object does not match the namespace sent on "
                                     "the request")
        if meta.get("resourceVersion") and meta["resourceVersion"] != old_meta["resourceVersion"]:
            raise errors.conflict(rtype, old_meta["name"])
        if subresource == "status":
            new = dict(copy.deepcopy(old), status=new.get("status", {}))
        else:
            for field in ("uid", "creationTimestamp", "deletionTimestamp", "generation", "namespace", "name"):
                if field in old_meta:
                    meta[field] = old_meta[field]
            meta.pop("managedFields", None)
            if rtype.status:
                new["status"] = copy.deepcopy(old.get("status"))
                if new["status"] is None:
                    del new["status"]
            kinds.admit(rtype, new, old, self.allocator)
            if rtype.generation and _spec_changed(old, new):
                meta["generation"] = old_meta.get("generation", 1) + 1
        new["metadata"]["resourceVersion"] = old_meta["resourceVersion"]
        if _canonical(new) == _canonical(old):
            return copy.deepcopy(old)  # a no-op write bumps nothing and tells no watcher
        self._stamp(new)
        self.objects[rtype.plural][key_of(new)] = new
        self._record("MODIFIED", rtype, new, old)
        return copy.deepcopy(new)

    def delete(self, rtype, namespace, name, preconditions=None):
        with self.lock:
            obj = self._current(rtype, namespace, name)
            preconditions = preconditions or {}
            if preconditions.get("uid") and preconditions["uid"] != obj["metadata"]["uid"]:
                raise errors.conflict(rtype, name, "Precondition failed: UID in precondition: %s, UID in object "
                                      "meta: %s" % (preconditions["uid"], obj["metadata"]["uid"]))
            if preconditions.get("resourceVersion") and \
                    preconditions["resourceVersion"] != obj["metadata"]["resourceVersion"]:
                raise errors.conflict(rtype, name)
            if rtype.kind == "Namespace":
                if name in ("default", "kube-system", "kube-public"):
                    raise errors.ApiError(403, "Forbidden", 'namespaces "%s" is forbidden: this namespace may not '
                                          'be deleted' % name, {"name": name, "kind": "namespaces"})
                for other in GROUPS.values():
                    for kind in other.values():
                        for key in [k for k in self.objects[kind.plural] if kind.namespaced and k[0] == name]:
                            self._remove(kind, self.objects[kind.plural][key])
            return self._remove(rtype, obj)

    def _remove(self, rtype, obj):
        del self.objects[rtype.plural][key_of(obj)]
        kinds.released(rtype, obj, self.allocator)
        gone = copy.deepcopy(obj)
        if rtype.kind == "Namespace":  # the real server answers with the namespace on its way out
            gone["metadata"]["deletionTimestamp"] = now_rfc3339()
            gone["status"] = {"phase": "Terminating"}
        self._stamp(gone)
        self._record("DELETED", rtype, gone, obj)
        return gone

    # --- reads --------------------------------------------------------------------------------

    def _current(self, rtype, namespace, name):
        obj = self.objects[rtype.plural].get((namespace or "", name))
        if obj is None:
            raise errors.not_found(rtype, name)
        return obj

    def get(self, rtype, namespace, name):
        with self.lock:
            return copy.deepcopy(self._current(rtype, namespace, name))

    def _too_old(self, revision):
        return errors.expired("too old resource version: %d (%d)" % (revision, self.compacted + 1))

    def _state_at(self, rtype, revision):
        """The kind's objects as they were at `revision`, rebuilt by undoing later events."""
        if revision < self.compacted:
            raise self._too_old(revision)
        if revision > self.revision:
            raise errors.ApiError(504, "Timeout", "Too large resource version: %d, current: %d"
                                  % (revision, self.revision),
                                  {"causes": [{"reason": "ResourceVersionTooLarge",
                                               "message": "Too large resource version"}], "retryAfterSeconds": 1})
        state = dict(self.objects[rtype.plural])
        for event in reversed(self.history):
            if event.revision <= revision:
                break
            if event.rtype is rtype:
                if event.type == "ADDED":
                    state.pop(key_of(event.obj), None)
                else:
                    state[key_of(event.prev)] = event.prev
        return state

    def list(self, rtype, namespace, selects, revision=None, exact=False, limit=0, token=None):
        """-> (items, list revision, continue token or "", remaining count or None)."""
        with self.lock:
            start = ""
            if token:
                revision, start = _decode_continue(token)
                exact = True
            at = self.revision
            state = self.objects[rtype.plural]
            if revision is not None and exact:
                state, at = self._state_at(rtype, revision), revision
            elif revision is not None and revision > self.revision:
                self._state_at(rtype, revision)  # raises "too large"
            keys = sorted(k for k in state if not namespace or k[0] == namespace)
            chosen = [k for k in keys if "/".join(k) > start and selects(state[k])]
            more = ""
            if limit and len(chosen) > limit:
                more = _encode_continue(at, "/".join(chosen[limit - 1]))
                remaining = len(chosen) - limit
                chosen = chosen[:limit]
            else:
                remaining = None
            return [copy.deepcopy(state[k]) for k in chosen], at, more, remaining

    # --- watches ------------------------------------------------------------------------------

    def open_watch(self, rtype, namespace, selects, revision, initial_events=False):
        """Register a watch; replays or synthetic ADDED events are queued before it goes live.
        Raises ApiError 410 when `revision` is compacted away."""
        with self.lock:
            watch = Watch(rtype, namespace, selects, self.watch_queue)
            if revision is None or revision == 0 or initial_events:
                for key in sorted(self.objects[rtype.plural]):
                    obj = self.objects[rtype.plural][key]
                    if watch.matches(obj):
                        watch.items.append({"type": "ADDED", "object": obj})
                if initial_events:
                    watch.items.append(self._bookmark(rtype, {"k8s.io/initial-events-end": "true"}))
            else:
                if revision < self.compacted:
                    raise self._too_old(revision)
                for event in self.history:
                    if event.revision > revision and event.rtype is rtype:
                        seen = watch.translate(event)
                        if seen:
                            watch.items.append(seen)
            self.watches.add(watch)
            return watch

    def _bookmark(self, rtype, annotations=None):
        meta = {"resourceVersion": str(self.revision)}
        if annotations:
            meta["annotations"] = annotations
        return {"type": "BOOKMARK", "object": {"kind": rtype.kind, "apiVersion": rtype.api_version, "metadata": meta}}

    def push_bookmark(self, watch):
        # under the lock, so every event up to this revision is already queued ahead of it
        with self.lock:
            watch.push(self._bookmark(watch.rtype))

    def close_watch(self, watch):
        with self.lock:
            self.watches.discard(watch)

    def close_all_watches(self, why):
        with self.lock:
            watches = list(self.watches)
        for watch in watches:
            watch.close(why)
        return len(watches)

    def compact(self):
        with self.lock:
            self.history.clear()
            self.compacted = self.revision
            return self.revision

    def open_watch_count(self):
        with self.lock:
            return len(self.watches)


def _checked_body(rtype, body):
    if not isinstance(body, dict):
        raise errors.bad_request("the object provided is unrecognized (must be of type %s)" % rtype.kind)
    obj = copy.deepcopy(body)
    if obj.get("kind", rtype.kind) != rtype.kind or obj.get("apiVersion", rtype.api_version) != rtype.api_version:
        raise errors.bad_request("the API version in the data (%s) does not match the expected API version (%s)"
                                 % (obj.get("apiVersion"), rtype.api_version)
                                 if obj.get("kind") == rtype.kind else
                                 "the object provided is unrecognized (must be of type %s): %s is not %s"
                                 % (rtype.kind, obj.get("kind"), rtype.kind))
    # kind, apiVersion, metadata first, as the real server writes them
    obj = dict({"kind": rtype.kind, "apiVersion": rtype.api_version, "metadata": obj.get("metadata")}, **{
        k: v for k, v in obj.items() if k not in ("kind", "apiVersion", "metadata")})
    if not isinstance(obj.get("metadata"), dict):
        obj["metadata"] = {}
    kinds.check_metadata(rtype, obj["metadata"])
    return obj


def _set_namespace(rtype, obj, namespace):
    meta = obj["metadata"]
    if not rtype.namespaced:
        meta.pop("namespace", None)
        return
    if meta.get("namespace") and namespace and meta["namespace"] != namespace:
        raise errors.bad_request("the namespace of the provided object does not match the namespace sent on the "
                                 "request")
    meta["namespace"] = namespace or meta.get("namespace") or "default"


def _spec_changed(old, new):
    def without_meta(obj):
        return {k: v for k, v in obj.items() if k != "metadata"}
    return without_meta(old) != without_meta(new) or \
        old["metadata"].get("labels") != new["metadata"].get("labels")


def _canonical(obj):
    return json.dumps(obj, sort_keys=True)


def _encode_continue(revision, start):
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": revision, "start": start}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_continue(token):
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        return int(data["rv"]), str(data["start"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise errors.bad_request("continue key is not valid: %s" % token)
