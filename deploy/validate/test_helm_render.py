#!/usr/bin/env python3
"""Cases whose output Go's text/template (with Helm's functions) is known to give, run through
helm_render.py: the renderer stands in for helm here, so its semantics are checked too.
Prints one PASS/FAIL line per case; exits 1 on a failure."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helm_render as h  # noqa: E402

ROOT = {"Values": {"t": True, "f": False, "zero": 0, "n": 4200000001.0, "empty": [], "l": ["a", "b"],
                   "m": {"z": 1, "a": {"b": "c"}}, "m2": {"z": 1, "a": 2}, "s": "x y"},
        "Release": {"Namespace": "ns"}}
DEFINE = '{{- define "lbl" -}}\nk: v\nj: {{ .Release.Namespace }}\n{{- end }}'
CASES = [
    ("trim markers", "a\n{{- if .Values.t }}\nb\n{{- end }}\nc", "a\nb\nc"),
    ("false, 0 and empty are false", "{{ if .Values.f }}1{{ else }}2{{ end }}{{ if .Values.zero }}3{{ end }}"
     "{{ if .Values.empty }}4{{ end }}", "2"),
    ("range and dot", "{{ range .Values.l }}[{{ . }}]{{ end }}", "[a][b]"),
    ("range else on empty", "{{ range .Values.empty }}x{{ else }}none{{ end }}", "none"),
    ("range over a map in key order", "{{ range .Values.m2 }}{{ . }}{{ end }}", "21"),
    ("quote", "{{ .Values.s | quote }} {{ quote .Values.s }}", '"x y" "x y"'),
    ("int64 of a float", "{{ .Values.n | int64 }}", "4200000001"),
    ("toYaml sorted, nindent", "m:{{ toYaml .Values.m | nindent 2 }}", "m:\n  a:\n    b: c\n  z: 1"),
    ("include a define, nindent", DEFINE + "x:{{- include \"lbl\" . | nindent 2 }}", "x:\n  k: v\n  j: ns"),
    ("root from inside range", "{{ range .Values.l }}{{ $.Release.Namespace }}{{ end }}", "nsns"),
]
ERRORS = [
    ("unclosed block", "{{ if .Values.t }}x"),
    ("stray end", "x{{ end }}"),
    ("unknown function", "{{ .Values.s | upper }}"),
    ("undefined include", '{{ include "nope" . }}'),
]


def render(text):
    r = h.Renderer(ROOT)
    nodes = h.parse(h.tokenize(text))[0]
    r.run([n for n in nodes if n[0] == "define"], ROOT)
    return r.run(nodes, ROOT)


failed = 0
for name, text, want in CASES:
    try:
        got = render(text)
    except h.TemplateError as e:
        got = f"error: {e}"
    ok = got == want
    failed += not ok
    print(f"PASS helm_render: {name}" if ok else f"FAIL helm_render: {name}: got {got!r}, want {want!r}")
for name, text in ERRORS:
    try:
        render(text)
        ok = False
    except h.TemplateError:
        ok = True
    failed += not ok
    print(f"PASS helm_render refuses: {name}" if ok else f"FAIL helm_render refuses: {name}: rendered")
sys.exit(1 if failed else 0)
