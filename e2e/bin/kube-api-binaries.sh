#!/usr/bin/env bash
# Builds the Kubernetes binaries the tests use from the Go module proxy (no GitHub downloads), each only
# when it is missing, into the directory that io.fabric8:kube-api-test reads
# (${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-linux-amd64/):
#   kube-apiserver, kubectl, etcd                    the *IT tests' real API server
#   kubelet, kube-scheduler, kube-controller-manager, kube-proxy
#                                                    the *E2E tests' single-node cluster (e2e/bin/cluster)
#   helm (in .../helm/<version>/)                    the Helm chart's tests and the demo
# Pinned to one Kubernetes, one etcd and one Helm version; Go's module and build caches make a second run
# cheap. Needs only `go` (1.24 or newer) and the module proxy. Prints what it builds and how long it took.
#
# usage: e2e/bin/kube-api-binaries.sh [--api-only]   (--api-only: only what the *IT tests need)
set -euo pipefail

K8S_VERSION="${BRAID_K8S_VERSION:-1.34.4}"
ETCD_VERSION="${BRAID_ETCD_VERSION:-3.6.16}"
HELM_VERSION="${BRAID_HELM_VERSION:-4.3.2}"
ROOT="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
OUT="$ROOT/k8s/${K8S_VERSION}-linux-amd64"
HELM_OUT="$ROOT/helm/${HELM_VERSION}"

K8S_COMMANDS=(kube-apiserver kubectl)
WITH_NODE=true
[[ "${1:-}" == "--api-only" ]] && WITH_NODE=false
$WITH_NODE && K8S_COMMANDS+=(kubelet kube-scheduler kube-controller-manager kube-proxy)

missing=()
for c in "${K8S_COMMANDS[@]}" etcd; do [[ -x "$OUT/$c" ]] || missing+=("$c"); done
$WITH_NODE && [[ ! -x "$HELM_OUT/helm" ]] && missing+=(helm)
if ((${#missing[@]} == 0)); then
  echo "kube binaries present in $OUT${WITH_NODE:+ (helm in $HELM_OUT)}"
  exit 0
fi
command -v go >/dev/null || { echo "error: go (1.24 or newer) is required to build ${missing[*]}" >&2; exit 1; }

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
MINOR="${K8S_VERSION#*.}"; MINOR="${MINOR%%.*}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT" "$HELM_OUT"
echo "building ${missing[*]} (Kubernetes v$K8S_VERSION; minutes on a fresh machine, seconds once Go's caches are warm)"

k8s_missing=()
for c in "${K8S_COMMANDS[@]}"; do [[ " ${missing[*]} " == *" $c "* ]] && k8s_missing+=("$c"); done
if ((${#k8s_missing[@]})); then
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
  } >>go.mod
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for c in "${K8S_COMMANDS[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$c"; done
    printf ')\n'
  } >tools.go
  go mod tidy >/dev/null 2>&1 || true
  go mod download
  VER="k8s.io/component-base/version"
  CGV="k8s.io/client-go/pkg/version"
  LD="-s -w -X $VER.gitVersion=v$K8S_VERSION -X $VER.gitMajor=1 -X $VER.gitMinor=$MINOR -X $CGV.gitVersion=v$K8S_VERSION -X $CGV.gitMajor=1 -X $CGV.gitMinor=$MINOR"
  for c in "${k8s_missing[@]}"; do
    started=$SECONDS
    go build -trimpath -ldflags "$LD" -o "$OUT/$c.tmp" "k8s.io/kubernetes/cmd/$c"
    mv "$OUT/$c.tmp" "$OUT/$c"
    echo "  $c v$K8S_VERSION: $((SECONDS - started)) s"
  done
fi

if [[ " ${missing[*]} " == *" etcd "* ]]; then
  started=$SECONDS
  mkdir "$WORK/etcd" && cd "$WORK/etcd"
  go mod init braid.dev/etcdbin >/dev/null 2>&1
  go get "go.etcd.io/etcd/server/v3@v${ETCD_VERSION}" >/dev/null 2>&1
  go build -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$OUT/etcd.tmp" "$OUT/etcd"
  echo "  etcd v$ETCD_VERSION: $((SECONDS - started)) s"
fi

if [[ " ${missing[*]} " == *" helm "* ]]; then
  started=$SECONDS
  mkdir "$WORK/helm" && cd "$WORK/helm"
  go mod init braid.dev/helmbin >/dev/null 2>&1
  go get "helm.sh/helm/v4@v${HELM_VERSION}" >/dev/null 2>&1
  go build -trimpath -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=v$HELM_VERSION" \
    -o "$HELM_OUT/helm.tmp" helm.sh/helm/v4/cmd/helm
  mv "$HELM_OUT/helm.tmp" "$HELM_OUT/helm"
  echo "  helm v$HELM_VERSION: $((SECONDS - started)) s"
fi

for c in "${K8S_COMMANDS[@]}"; do
  case "$c" in
    kubectl) "$OUT/kubectl" version --client | head -1 ;;
    *) "$OUT/$c" --version 2>&1 | head -1 ;;
  esac
done
"$OUT/etcd" --version | head -1
$WITH_NODE && "$HELM_OUT/helm" version --short
exit 0
