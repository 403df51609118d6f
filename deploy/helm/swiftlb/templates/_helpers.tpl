{{/* Labels every object gets besides app.kubernetes.io/name (which selectors use). */}}
{{- define "swiftlb.labels" -}}
app.kubernetes.io/part-of: swiftlb
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}
