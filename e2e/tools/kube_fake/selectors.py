"""labelSelector and fieldSelector query parameters, parsed into predicates on an object.

Label selectors: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas
(all must hold), as in k8s.io/apimachinery/pkg/labels. Field selectors: `path=v`, `path==v`,
`path!=v` on the paths the kind supports; others are a 400 like the real server's
"field label not supported".
"""
import re

from .errors import bad_request

_KEY = r"[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?"
_VALUE = r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?"


def _split_top_level(text):
    """Split on commas that are not inside parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def _check(pattern, text, what):
    if not re.fullmatch(pattern, text):
        raise bad_request("unable to parse requirement: invalid %s: %r" % (what, text))


def _label_requirement(text):
    match = re.fullmatch(r"(\S+)\s+(in|notin)\s+\((.*)\)", text)
    if match:
        key, op, values = match.group(1), match.group(2), {v.strip() for v in match.group(3).split(",")}
        _check(_KEY, key, "label key")
        for value in values:
            _check(_VALUE, value, "label value")
        if op == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    match = re.fullmatch(r"([^=!\s]+)\s*(==|=|!=)\s*(\S*)", text)
    if match:
        key, op, value = match.groups()
        _check(_KEY, key, "label key")
        _check(_VALUE, value, "label value")
        if op == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    if text.startswith("!"):
        key = text[1:].strip()
        _check(_KEY, key, "label key")
        return lambda labels: key not in labels
    _check(_KEY, text, "label key")
    return lambda labels: text in labels


def label_selector(text):
    """Predicate on an object, for the labelSelector parameter (None or "" selects everything)."""
    requirements = [_label_requirement(part) for part in _split_top_level(text or "")]
    return lambda obj: all(req(obj.get("metadata", {}).get("labels") or {}) for req in requirements)


def _field_value(obj, path):
    value = obj
    for part in path.split("."):
        if not isinstance(value, dict):
            return ""
        value = value.get(part)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):  # events' `source` selects on source.component
        return value.get("component", "")
    return str(value)


def field_selector(text, rtype):
    requirements = []
    for part in _split_top_level(text or ""):
        match = re.fullmatch(r"([^=!\s]+)\s*(==|=|!=)\s*(.*)", part)
        if not match:
            raise bad_request("invalid selector: '%s'; can't understand '%s'" % (text, part))
        path, op, value = match.groups()
        if path not in rtype.field_paths:
            raise bad_request('field label not supported: %s' % path)
        if op == "!=":
            requirements.append(lambda obj, p=path, v=value: _field_value(obj, p) != v)
        else:
            requirements.append(lambda obj, p=path, v=value: _field_value(obj, p) == v)
    return lambda obj: all(req(obj) for req in requirements)
