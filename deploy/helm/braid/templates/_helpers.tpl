{{/* Labels every object carries (the same as deploy/ gives them). */}}
{{- define "braid.labels" -}}
app.kubernetes.io/name: braid
app.kubernetes.io/component: operator
{{- end }}

{{- define "braid.operatorImage" -}}
{{ .Values.operator.image.repository }}:{{ .Values.operator.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "braid.agentImage" -}}
{{ .Values.agent.image.repository }}:{{ .Values.agent.image.tag | default .Chart.AppVersion }}
{{- end }}
