{{/*
Names, labels and the few derived values every template shares. Object names
are the full name (release-chart, cut to 63 characters) plus a suffix.
*/}}

{{- define "gateguard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gateguard.fullname" -}}
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

{{- define "gateguard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the webhook's pods; never change them on upgrade. */}}
{{- define "gateguard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gateguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: webhook
{{- end -}}

{{- define "gateguard.labels" -}}
{{ include "gateguard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: gateguard
helm.sh/chart: {{ include "gateguard.chart" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The same labels for objects of the certificate Job (not selected by the Deployment). */}}
{{- define "gateguard.certsLabels" -}}
app.kubernetes.io/name: {{ include "gateguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: certs
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: gateguard
helm.sh/chart: {{ include "gateguard.chart" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "gateguard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "gateguard.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* image: repository@digest, or repository:tag (tag defaults to appVersion). */}}
{{- define "gateguard.imageRef" -}}
{{- if .digest -}}
{{- printf "%s@%s" .repository .digest -}}
{{- else -}}
{{- printf "%s:%s" .repository (default .appVersion .tag) -}}
{{- end -}}
{{- end -}}

{{- define "gateguard.image" -}}
{{- include "gateguard.imageRef" (dict "repository" .Values.image.repository "tag" .Values.image.tag "digest" .Values.image.digest "appVersion" .Chart.AppVersion) -}}
{{- end -}}

{{/* The certificate Job's image: its own values where set, else the webhook's. */}}
{{- define "gateguard.certsImage" -}}
{{- $i := .Values.certs.job.image -}}
{{- include "gateguard.imageRef" (dict "repository" (default .Values.image.repository $i.repository) "tag" (default .Values.image.tag $i.tag) "digest" (default .Values.image.digest $i.digest) "appVersion" .Chart.AppVersion) -}}
{{- end -}}

{{- define "gateguard.serviceName" -}}
{{- include "gateguard.fullname" . -}}
{{- end -}}

{{- define "gateguard.metricsServiceName" -}}
{{- printf "%s-metrics" (include "gateguard.fullname" . | trunc 55 | trimSuffix "-") -}}
{{- end -}}

{{- define "gateguard.tlsSecretName" -}}
{{- printf "%s-tls" (include "gateguard.fullname" . | trunc 59 | trimSuffix "-") -}}
{{- end -}}

{{- define "gateguard.policyConfigMapName" -}}
{{- printf "%s-policy" (include "gateguard.fullname" . | trunc 56 | trimSuffix "-") -}}
{{- end -}}

{{- define "gateguard.certificateName" -}}
{{- printf "%s-serving" (include "gateguard.fullname" . | trunc 55 | trimSuffix "-") -}}
{{- end -}}

{{- define "gateguard.issuerName" -}}
{{- printf "%s-selfsigned" (include "gateguard.fullname" . | trunc 52 | trimSuffix "-") -}}
{{- end -}}

{{- define "gateguard.certsName" -}}
{{- printf "%s-certs" (include "gateguard.fullname" . | trunc 57 | trimSuffix "-") -}}
{{- end -}}

{{/* The ValidatingWebhookConfiguration is cluster-scoped: one per release. */}}
{{- define "gateguard.webhookConfigName" -}}
{{- include "gateguard.fullname" . -}}
{{- end -}}

{{/* True when the API server calls a URL outside the cluster (webhook.url). */}}
{{- define "gateguard.external" -}}
{{- if .Values.webhook.url -}}true{{- end -}}
{{- end -}}

{{/* True when the chart's own Job issues the serving certificate. */}}
{{- define "gateguard.selfManagedCerts" -}}
{{- if and (not .Values.webhook.url) (not .Values.certManager.enabled) -}}true{{- end -}}
{{- end -}}

{{/* The DNS names the API server uses for the Service, for the serving certificate. */}}
{{- define "gateguard.dnsNames" -}}
{{- $svc := include "gateguard.serviceName" . -}}
{{- $ns := .Release.Namespace -}}
{{- $names := list (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.clusterDomain) $svc (printf "%s.%s" $svc $ns) -}}
{{- join "," $names -}}
{{- end -}}

{{/* Namespaces the webhook is never called for: the values' list plus the release's own. */}}
{{- define "gateguard.excludedNamespaces" -}}
{{- $ns := concat .Values.webhook.excludeNamespaces (list .Release.Namespace) | uniq -}}
{{- toYaml $ns -}}
{{- end -}}

{{- define "gateguard.excludedNamespacesText" -}}
{{- concat .Values.webhook.excludeNamespaces (list .Release.Namespace) | uniq | join ", " -}}
{{- end -}}

{{/* Hook annotations for the objects the certificate Job needs, created before it. */}}
{{- define "gateguard.certsHookAnnotations" -}}
helm.sh/hook: pre-install,pre-upgrade,post-install,post-upgrade
helm.sh/hook-weight: "-10"
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end -}}

{{/* The proxy and status controller: names and labels of their own, so the
webhook's selector never picks its pods. */}}
{{- define "gateguard.proxyName" -}}
{{- printf "%s-proxy" (include "gateguard.fullname" . | trunc 57 | trimSuffix "-") -}}
{{- end -}}

{{- define "gateguard.proxySelectorLabels" -}}
app.kubernetes.io/name: {{ include "gateguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: proxy
{{- end -}}

{{- define "gateguard.proxyLabels" -}}
{{ include "gateguard.proxySelectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: gateguard
helm.sh/chart: {{ include "gateguard.chart" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}
