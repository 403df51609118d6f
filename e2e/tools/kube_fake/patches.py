"""The three PATCH bodies the real API takes for built-in kinds.

- JSON merge patch (RFC 7386): maps merge, null deletes, anything else replaces.
- Strategic merge patch: a merge patch that also knows, per list field, whether the list is
  atomic (replaced), a set of primitives (unioned, finalizers) or a list of maps merged by a key
  (Service spec.ports by `port`, conditions by `type`). The table below covers the kinds this fake
  serves; every other list is atomic, as in their Go types. Directives: `$patch: replace|delete`,
  `$retainKeys`, `$deleteFromPrimitiveList/F`, `$setElementOrder/F` (this one reorders).
- JSON patch (RFC 6902): add, remove, replace, move, copy, test.
"""
import copy

from .errors import ApiError

# (kind or "*", dotted path of the list field) -> merge key, or "" for a primitive set
_MERGE_LISTS = {
    ("*", "metadata.ownerReferences"): "uid",
    ("*", "metadata.finalizers"): "",
    ("Service", "spec.ports"): "port",
    ("Service", "status.conditions"): "type",
    ("Node", "status.conditions"): "type",
    ("Node", "status.addresses"): "type",
    ("Namespace", "status.conditions"): "type",
}

_DELETE = object()


def invalid_patch(message):
    return ApiError(422, "Invalid", message)


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _merge_key(kind, path):
    for owner in (kind, "*"):
        if (owner, path) in _MERGE_LISTS:
            return _MERGE_LISTS[(owner, path)]
    return None


def _strip(value):
    """A patch value without directives, for places where it lands as is."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not k.startswith("$")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _merge_list(original, patch, kind, path):
    key = _merge_key(kind, path)
    items = [item for item in patch if not (isinstance(item, dict) and item.get("$patch") == "replace")]
    if key is None or len(items) != len(patch):
        return _strip(items)
    result = copy.deepcopy(original) if isinstance(original, list) else []
    if key == "":
        return result + [item for item in items if item not in result]
    for item in items:
        if not isinstance(item, dict) or key not in item:
            raise invalid_patch("map in list %s does not contain the merge key %s" % (path, key))
        index = next((i for i, old in enumerate(result) if isinstance(old, dict) and old.get(key) == item[key]), None)
        if item.get("$patch") == "delete":
            if index is not None:
                del result[index]
        elif index is None:
            result.append(_strip(item))
        else:
            result[index] = strategic_merge_patch(result[index], item, kind, path)
    return result


def _reorder(values, order, key):
    def position(item):
        ident = item.get(key) if key and isinstance(item, dict) else item
        return order.index(ident) if ident in order else len(order)
    return sorted(values, key=position)  # stable: items the order misses keep theirs, at the end


def strategic_merge_patch(original, patch, kind, path=""):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return _strip(patch)
    if patch.get("$patch") == "delete":
        return _DELETE
    result = copy.deepcopy(original) if isinstance(original, dict) else {}
    if "$retainKeys" in patch:
        result = {k: v for k, v in result.items() if k in patch["$retainKeys"]}
    orders = {}
    for key, value in patch.items():
        sub = (path + "." + key).lstrip(".")
        if key.startswith("$setElementOrder/"):
            orders[key.split("/", 1)[1]] = value
        elif key.startswith("$deleteFromPrimitiveList/"):
            field = key.split("/", 1)[1]
            result[field] = [v for v in result.get(field) or [] if v not in value]
        elif key.startswith("$"):
            continue
        elif value is None:
            result.pop(key, None)
        elif isinstance(value, list):
            result[key] = _merge_list(result.get(key), value, kind, sub)
        else:
            merged = strategic_merge_patch(result.get(key), value, kind, sub)
            if merged is _DELETE:
                result.pop(key, None)
            else:
                result[key] = merged
    for field, order in orders.items():
        if isinstance(result.get(field), list):
            key = _merge_key(kind, (path + "." + field).lstrip("."))
            result[field] = _reorder(result[field], [o.get(key) if key else o for o in order], key)
    return result


def _pointer(path):
    if path == "":
        return []
    if not path.startswith("/"):
        raise invalid_patch("invalid JSON pointer %r" % path)
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _parent(document, parts, path):
    node = document
    for part in parts[:-1]:
        if isinstance(node, list):
            try:
                node = node[int(part)]
            except (ValueError, IndexError):
                raise invalid_patch("path %s does not exist" % path)
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise invalid_patch("path %s does not exist" % path)
    return node


def _index(node, part, path, adding):
    if adding and part == "-":
        return len(node)
    try:
        index = int(part)
    except ValueError:
        raise invalid_patch("invalid array index in %s" % path)
    if index < 0 or index > len(node) - (0 if adding else 1):
        raise invalid_patch("array index out of range in %s" % path)
    return index


def _get(document, path):
    parts = _pointer(path)
    if not parts:
        return document
    node = _parent(document, parts, path)
    if isinstance(node, list):
        return node[_index(node, parts[-1], path, False)]
    if not isinstance(node, dict) or parts[-1] not in node:
        raise invalid_patch("path %s does not exist" % path)
    return node[parts[-1]]


def _remove(document, path):
    parts = _pointer(path)
    node = _parent(document, parts, path)
    if isinstance(node, list):
        return node.pop(_index(node, parts[-1], path, False))
    if not isinstance(node, dict) or parts[-1] not in node:
        raise invalid_patch("unable to remove nonexistent key %s" % path)
    return node.pop(parts[-1])


def _add(document, path, value, replace=False):
    parts = _pointer(path)
    if not parts:
        return value
    node = _parent(document, parts, path)
    if isinstance(node, list):
        index = _index(node, parts[-1], path, not replace)
        if replace:
            node[index] = value
        else:
            node.insert(index, value)
    elif isinstance(node, dict):
        if replace and parts[-1] not in node:
            raise invalid_patch("unable to replace nonexistent key %s" % path)
        node[parts[-1]] = value
    else:
        raise invalid_patch("path %s does not exist" % path)
    return document


def json_patch(document, operations):
    if not isinstance(operations, list):
        raise ApiError(400, "BadRequest", "json patch must be an array of operations")
    document = copy.deepcopy(document)
    for operation in operations:
        if not isinstance(operation, dict):
            raise ApiError(400, "BadRequest", "json patch operation must be an object")
        op, path = operation.get("op"), operation.get("path", "")
        if op == "add":
            document = _add(document, path, copy.deepcopy(operation.get("value")))
        elif op == "remove":
            _remove(document, path)
        elif op == "replace":
            document = _add(document, path, copy.deepcopy(operation.get("value")), replace=True)
        elif op == "move":
            value = _remove(document, operation.get("from", ""))
            document = _add(document, path, value)
        elif op == "copy":
            document = _add(document, path, copy.deepcopy(_get(document, operation.get("from", ""))))
        elif op == "test":
            if _get(document, path) != operation.get("value"):
                raise invalid_patch("testing value %s failed" % path)
        else:
            raise ApiError(400, "BadRequest", "unexpected json patch operation %r" % op)
    return document
