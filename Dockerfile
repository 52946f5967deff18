# syntax=docker/dockerfile:1
# The gateguard image the Helm chart runs (gateguard/gateguard:<appVersion>):
# the webhook, plus kubectl for the chart's certificate Job and `helm test`.
#
#   docker build -t gateguard/gateguard:0.1.0 .
#
# Stages: `go` only lends its toolchain; `kubectl` builds kubectl from the
# pins in tests/k8s/tools/kube (go.sum-verified, as the tests use it);
# `build` is Debian 12 with the -dev packages and runs `make build` (the
# Gateway API CRDs are fetched from the Go module proxy and compiled in);
# the runtime stage holds only the shared libraries, the two binaries and a
# non-root user.

ARG DEBIAN=debian:bookworm
ARG GO_IMAGE=golang:1.26.8-bookworm

FROM ${GO_IMAGE} AS go

FROM ${GO_IMAGE} AS kubectl
ENV GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
WORKDIR /src
COPY tests/k8s/versions.sh /src/versions.sh
COPY tests/k8s/tools/kube/ /src/kube/
RUN . /src/versions.sh && cd /src/kube && \
    minor=$(echo "$GG_K8S_VERSION" | cut -d. -f2) && \
    v=k8s.io/component-base/version c=k8s.io/client-go/pkg/version && \
    go build -trimpath -o /out/kubectl -ldflags "-s -w \
      -X $v.gitVersion=$GG_K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean \
      -X $c.gitVersion=$GG_K8S_VERSION -X $c.gitMajor=1 -X $c.gitMinor=$minor -X $c.gitTreeState=clean" \
      k8s.io/kubernetes/cmd/kubectl

FROM ${DEBIAN} AS build
RUN apt-get update -qq && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential pkg-config libmicrohttpd-dev libssl-dev libjansson-dev \
      libyaml-dev libpcre2-dev libcriterion-dev libcurl4-openssl-dev \
      curl openssl ca-certificates && \
    rm -rf /var/lib/apt/lists/*
# Go only fetches the sigs.k8s.io/gateway-api module for its CRDs (tools/fetch-crds.sh).
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH GOTOOLCHAIN=local
WORKDIR /src
COPY . .
RUN make build && install -D -m 0755 build/rel/gateguard /out/gateguard

FROM ${DEBIAN}-slim
RUN apt-get update -qq && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libmicrohttpd12 libssl3 libjansson4 libyaml-0-2 libpcre2-8-0 libcurl4 ca-certificates && \
    rm -rf /var/lib/apt/lists/* && \
    groupadd --gid 65532 gateguard && \
    useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin gateguard
COPY --from=build /out/gateguard /usr/local/bin/gateguard
COPY --from=kubectl /out/kubectl /usr/local/bin/kubectl
USER 65532:65532
EXPOSE 8443 8081
ENTRYPOINT ["gateguard"]
CMD ["--help"]
