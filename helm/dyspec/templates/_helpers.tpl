{{- define "dyspec.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "dyspec.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "dyspec.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dyspec.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "dyspec.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "dyspec.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "dyspec.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "dyspec.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "dyspec.apiKeySecret" -}}
{{- default (printf "%s-api-keys" (include "dyspec.fullname" .)) .Values.apiKeys.existingSecret -}}
{{- end -}}

{{- define "dyspec.pvcName" -}}
{{- default (printf "%s-models" (include "dyspec.fullname" .)) .Values.models.pvc.existingClaim -}}
{{- end -}}

{{- define "dyspec.serviceMonitorEnabled" -}}
{{- if and .Values.serviceMonitor.enabled (or .Values.serviceMonitor.assumeCrdInstalled (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor")) -}}
true
{{- end -}}
{{- end -}}
