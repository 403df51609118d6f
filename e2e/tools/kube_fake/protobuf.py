"""Just enough of Kubernetes' protobuf encoding to read the bodies kubectl >= 1.32 sends as
`application/vnd.kubernetes.protobuf` from its typed clients (`kubectl create namespace`).

The body is the magic "k8s\\0" followed by a runtime.Unknown {typeMeta{apiVersion, kind}, raw};
`raw` is the object's own message. Only Namespace is decoded (metadata name, generateName,
labels, annotations, finalizers; spec finalizers); anything else is a 415.
"""
from . import errors

MAGIC = b"k8s\x00"


def _varint(data, offset):
    value, shift = 0, 0
    while True:
        if offset >= len(data):
            raise ValueError("truncated varint")
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, offset


def fields(data):
    """[(field number, value)] with bytes for length-delimited fields and ints for varints."""
    out, offset = [], 0
    while offset < len(data):
        key, offset = _varint(data, offset)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, offset = _varint(data, offset)
        elif wire == 2:
            length, offset = _varint(data, offset)
            value, offset = data[offset:offset + length], offset + length
        elif wire == 1:
            value, offset = data[offset:offset + 8], offset + 8
        elif wire == 5:
            value, offset = data[offset:offset + 4], offset + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        out.append((number, value))
    return out


def _text(value):
    return value.decode("utf-8")


def _string_map(entries):
    result = {}
    for entry in entries:
        pairs = dict(fields(entry))
        result[_text(pairs.get(1, b""))] = _text(pairs.get(2, b""))
    return result


def _object_meta(data):
    meta, labels, annotations, finalizers = {}, [], [], []
    for number, value in fields(data):
        if number in (1, 2, 3, 6) and value:  # gogo-protobuf writes empty strings too
            meta[{1: "name", 2: "generateName", 3: "namespace", 6: "resourceVersion"}[number]] = _text(value)
        elif number == 11:
            labels.append(value)
        elif number == 12:
            annotations.append(value)
        elif number == 14:
            finalizers.append(_text(value))
    if labels:
        meta["labels"] = _string_map(labels)
    if annotations:
        meta["annotations"] = _string_map(annotations)
    if finalizers:
        meta["finalizers"] = finalizers
    return meta


def _namespace(raw):
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {}}
    for number, value in fields(raw):
        if number == 1:
            obj["metadata"] = _object_meta(value)
        elif number == 2:
            obj["spec"] = {"finalizers": [_text(v) for n, v in fields(value) if n == 1]}
    return obj


def decode(body, content_type):
    """A protobuf request body as the JSON-shaped object it encodes."""
    try:
        if not body.startswith(MAGIC):
            raise ValueError("no k8s protobuf magic")
        unknown = dict(fields(body[len(MAGIC):]))
        type_meta = dict(fields(unknown.get(1, b"")))
        api_version, kind = _text(type_meta.get(1, b"")), _text(type_meta.get(2, b""))
        if (api_version, kind) == ("v1", "Namespace"):
            return _namespace(unknown.get(2, b""))
    except (ValueError, UnicodeDecodeError) as error:
        raise errors.bad_request("unable to decode protobuf body: %s" % error)
    raise errors.unsupported_media_type(content_type + " (this fake decodes protobuf only for v1 Namespace)")
