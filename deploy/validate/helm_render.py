#!/usr/bin/env python3
"""Renders deploy/helm/swiftlb without helm, for machines that have none (Debian ships no helm).

Implements only the Go-template subset the chart uses, and fails loudly on anything else, so a
template that strays from it breaks validation instead of rendering wrongly:
  {{ .Values.a.b }}  {{ .Release.Namespace }}  {{ .Chart.Version }}  {{ . }}  {{ $.Values.x }}
  {{ include "name" . }}  {{ define "name" }}  {{ if X }}/{{ else }}/{{ end }}  {{ range X }}
  pipes: | quote  | toYaml  | nindent N  | indent N  | int64     trim markers {{- and -}}    {{/* */}}
Usage: helm_render.py CHART_DIR [--namespace NS] [--name RELEASE] [--set-yaml FILE]
Prints the manifests like `helm template`, each preceded by `# Source: chart/templates/FILE`.
"""
import argparse
import json
import os
import re
import sys

import yaml

ACTION = re.compile(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", re.S)


class TemplateError(Exception):
    pass


def tokenize(text):
    """Text and action tokens, with Go's trim markers applied to the neighbouring text."""
    tokens, pos = [], 0
    for m in ACTION.finditer(text):
        chunk = text[pos:m.start()]
        if m.group(1):
            chunk = chunk.rstrip(" \t\r\n")
        tokens.append(("text", chunk))
        tokens.append(("action", m.group(2), bool(m.group(3))))
        pos = m.end()
    tokens.append(("text", text[pos:]))
    out, trim_next = [], False
    for tok in tokens:
        if tok[0] == "text":
            out.append(("text", tok[1].lstrip(" \t\r\n") if trim_next else tok[1]))
            trim_next = False
        else:
            out.append(tok[:2])
            trim_next = tok[2]
    return out


def parse(tokens, i=0, stop=()):
    """A list of nodes up to one of `stop`; returns (nodes, index of the stopping token, its word)."""
    nodes = []
    while i < len(tokens):
        kind, body = tokens[i]
        if kind == "text":
            nodes.append(("text", body))
            i += 1
            continue
        word = body.split(None, 1)[0] if body else ""
        if body.startswith("/*"):
            i += 1
        elif word in stop:
            return nodes, i, word
        elif word in ("if", "range", "define"):
            arg = body[len(word):].strip()
            inner, i, ended = parse(tokens, i + 1, ("end", "else"))
            other = []
            if ended == "else":
                other, i, _ = parse(tokens, i + 1, ("end",))
            nodes.append((word, arg, inner, other))
            i += 1
        elif word in ("end", "else"):
            raise TemplateError(f"unexpected {{{{ {body} }}}}")
        else:
            nodes.append(("expr", body))
            i += 1
    if stop:
        raise TemplateError("a block has no {{ end }}")
    return nodes, i, None


class Renderer:
    def __init__(self, root):
        self.root = root
        self.defines = {}

    def lookup(self, path, dot):
        if path == ".":
            return dot
        base, rest = (self.root, path[2:]) if path.startswith("$.") else (dot, path[1:])
        if path == "$":
            return self.root
        value = base
        for part in rest.split("."):
            if not isinstance(value, dict):
                raise TemplateError(f"{path}: {part} of a non-map")
            value = value.get(part)
        return value

    def term(self, word, dot):
        if word.startswith('"'):
            return json.loads(word)
        if re.fullmatch(r"-?\d+", word):
            return int(word)
        if word.startswith(".") or word.startswith("$"):
            return self.lookup(word, dot)
        raise TemplateError(f"unsupported term {word!r}")

    def call(self, words, dot, piped=None):
        name, args = words[0], [self.term(w, dot) for w in words[1:]]
        if piped is not None:
            args.append(piped[0])
        if name == "include":
            if args[0] not in self.defines:
                raise TemplateError(f"include of undefined template {args[0]!r}")
            return self.run(self.defines[args[0]], args[1])
        if name == "int64":
            return int(args[0] or 0)
        if name == "quote":
            return json.dumps(text_of(args[0]))
        if name == "toYaml":
            return "" if args[0] in (None, {}, []) else yaml.safe_dump(args[0], default_flow_style=False, sort_keys=True).rstrip("\n")
        if name in ("nindent", "indent"):
            pad = " " * args[0]
            lines = text_of(args[1]).split("\n")
            return ("\n" if name == "nindent" else "") + "\n".join(pad + line for line in lines)
        raise TemplateError(f"unsupported function {name!r}")

    def expr(self, body, dot):
        value, first = None, True
        for stage in [s.strip() for s in body.split("|")]:
            words = re.findall(r'"(?:[^"\\]|\\.)*"|\S+', stage)
            if first and len(words) == 1 and not words[0].isalpha():
                value = self.term(words[0], dot)
            else:
                value = self.call(words, dot, None if first else (value,))
            first = False
        return value

    def run(self, nodes, dot):
        out = []
        for node in nodes:
            kind = node[0]
            if kind == "text":
                out.append(node[1])
            elif kind == "expr":
                out.append(text_of(self.expr(node[1], dot)))
            elif kind == "define":
                self.defines[json.loads(node[1])] = node[2]
            elif kind == "if":
                out.append(self.run(node[2] if truthy(self.expr(node[1], dot)) else node[3], dot))
            elif kind == "range":
                items = self.expr(node[1], dot) or []
                # Go ranges over a map in key order.
                items = [items[k] for k in sorted(items)] if isinstance(items, dict) else items
                out.extend(self.run(node[2], item) for item in items)
                if not items:
                    out.append(self.run(node[3], dot))
        return "".join(out)


def truthy(v):
    return v not in (None, False, 0, "", [], {})


def text_of(v):
    if v is None:
        return "<no value>"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def merge(base, over):
    for k, v in over.items():
        base[k] = merge(base.get(k, {}), v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return base


def render(chart_dir, namespace="default", name="swiftlb", overrides=None):
    """[(template file, rendered text)] in file-name order, like `helm template`'s sources."""
    chart = yaml.safe_load(open(os.path.join(chart_dir, "Chart.yaml")))
    values = yaml.safe_load(open(os.path.join(chart_dir, "values.yaml"))) or {}
    merge(values, overrides or {})
    root = {
        "Values": values,
        "Release": {"Name": name, "Namespace": namespace, "Service": "Helm"},
        "Chart": {"Name": chart["name"], "Version": chart["version"], "AppVersion": chart.get("appVersion")},
    }
    r = Renderer(root)
    tdir = os.path.join(chart_dir, "templates")
    files = sorted(os.listdir(tdir))
    parsed = {f: parse(tokenize(open(os.path.join(tdir, f)).read()))[0] for f in files}
    for f in files:  # defines first, from every file, as helm does
        r.run([n for n in parsed[f] if n[0] == "define"], root)
    out = []
    for f in files:
        text = r.run(parsed[f], root)
        # NOTES.txt is rendered (a broken one fails here, as in `helm install`) but is no manifest.
        if not f.startswith("_") and f != "NOTES.txt":
            out.append((f, text))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("chart")
    ap.add_argument("--namespace", default="default")
    ap.add_argument("--name", default="swiftlb")
    ap.add_argument("--set-yaml", help="a values file merged over values.yaml")
    a = ap.parse_args()
    over = yaml.safe_load(open(a.set_yaml)) if a.set_yaml else None
    chart = os.path.basename(os.path.normpath(a.chart))
    try:
        for f, text in render(a.chart, a.namespace, a.name, over):
            for doc in re.split(r"^---\s*$", text, flags=re.M):
                if doc.strip() and any(l.strip() and not l.lstrip().startswith("#") for l in doc.splitlines()):
                    print(f"---\n# Source: {chart}/templates/{f}\n{doc.strip(chr(10))}")
    except TemplateError as e:
        sys.exit(f"helm_render: {e}")


if __name__ == "__main__":
    main()
