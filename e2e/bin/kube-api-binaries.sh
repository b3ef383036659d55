#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the Go module proxy into the directory that
# io.fabric8:kube-api-test reads (${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-linux-amd64/),
# unless all three are already there. Pinned to one Kubernetes and one etcd version; Go's module and
# build caches make a second run cheap. Needs only `go` and the module proxy (no GitHub downloads).
set -euo pipefail

K8S_VERSION="${BRAID_K8S_VERSION:-1.34.4}"
ETCD_VERSION="${BRAID_ETCD_VERSION:-3.6.16}"
ROOT="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
OUT="$ROOT/k8s/${K8S_VERSION}-linux-amd64"

if [[ -x "$OUT/kube-apiserver" && -x "$OUT/kubectl" && -x "$OUT/etcd" ]]; then
  echo "kube-api binaries present in $OUT"
  exit 0
fi
command -v go >/dev/null || { echo "error: go (1.24 or newer) is required to build the kube-api test binaries" >&2; exit 1; }

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
MINOR="${K8S_VERSION#*.}"; MINOR="${MINOR%%.*}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT.tmp"

echo "building kube-apiserver and kubectl v$K8S_VERSION (several minutes on first run)"
mkdir "$WORK/k8s" && cd "$WORK/k8s"
go mod init braid.dev/kubebin >/dev/null 2>&1
# k8s.io/kubernetes replaces its staging modules with local paths; pin each to the published v0.N.M.
modfile="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/v${K8S_VERSION}.mod"
go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" >/dev/null
{
  echo "require k8s.io/kubernetes v${K8S_VERSION}"
  echo "replace ("
  sed -n '/^replace (/,/^)/p' "$modfile" | grep '=> ./staging' |
    awk -v v="v0.${K8S_VERSION#*.}" '{print "\t" $1 " => " $1 " " v}'
  echo ")"
} >> go.mod
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
go mod tidy >/dev/null 2>&1 || true
go mod download
VER="k8s.io/component-base/version"
CGV="k8s.io/client-go/pkg/version"
LD="-s -w -X $VER.gitVersion=v$K8S_VERSION -X $VER.gitMajor=1 -X $VER.gitMinor=$MINOR -X $CGV.gitVersion=v$K8S_VERSION -X $CGV.gitMajor=1 -X $CGV.gitMinor=$MINOR"
go build -trimpath -ldflags "$LD" -o "$OUT.tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -ldflags "$LD" -o "$OUT.tmp/kubectl" k8s.io/kubernetes/cmd/kubectl

echo "building etcd v$ETCD_VERSION"
mkdir "$WORK/etcd" && cd "$WORK/etcd"
go mod init braid.dev/etcdbin >/dev/null 2>&1
go get "go.etcd.io/etcd/server/v3@v${ETCD_VERSION}" >/dev/null 2>&1
go build -trimpath -ldflags "-s -w" -o "$OUT.tmp/etcd" go.etcd.io/etcd/server/v3

rm -rf "$OUT"; mv "$OUT.tmp" "$OUT"
"$OUT/kube-apiserver" --version
"$OUT/kubectl" version --client
"$OUT/etcd" --version | head -1
