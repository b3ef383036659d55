#!/usr/bin/env bash
# Builds the two small images the single-node cluster needs besides Braid's own, without a registry:
#   localhost/braid-test/pause:1   the pod sandbox (containerd's sandbox_image; the usual one cannot be pulled)
#   localhost/braid-test/echo:1    an HTTP backend that answers with the client address it sees
# each a static Go binary (e2e/testimages) in a `buildah from scratch` image, as OCI archives
# <out>/braid-test-{pause,echo}.oci.tar. Cached under ${BRAID_CACHE:-~/.cache/braid}/test-images/<hash of
# the sources>; a cached build copies the archives. Needs root, buildah and go.
#
# usage: e2e/bin/test-images.sh [--out DIR]     (default: target/images at the repository root)
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$REPO/target/images"
[[ "${1:-}" == "--out" ]] && OUT="$(realpath -m "$2")"
SRC="$REPO/e2e/testimages"
SELF="$(realpath "$0")"
CACHE="${BRAID_CACHE:-$HOME/.cache/braid}/test-images"
NAMES=(pause echo)

step() { printf '[test images %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { echo "error: $*" >&2; exit 1; }

hash="$( (cd "$SRC" && find . -type f | sort | xargs sha256sum; sha256sum <"$SELF") | sha256sum | cut -c1-16)"
cached="$CACHE/$hash"
mkdir -p "$OUT"
if [[ -f "$cached/braid-test-pause.oci.tar" && -f "$cached/braid-test-echo.oci.tar" ]]; then
  for n in "${NAMES[@]}"; do cp "$cached/braid-test-$n.oci.tar" "$OUT/"; done
  step "cached $cached"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || fail "needs root (buildah's storage)"
command -v buildah >/dev/null || fail "buildah is not installed (apt-get install buildah)"
command -v go >/dev/null || fail "go is not installed (the test images are Go programs)"
work="$(mktemp -d)"
store="$work/storage"
bah() { buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs "$@"; }
cleanup() {
  bah rm --all >/dev/null 2>&1 || true
  bah rmi --all --force >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$cached.tmp"
for n in "${NAMES[@]}"; do
  step "$n: go build"
  (cd "$SRC" && CGO_ENABLED=0 GOTOOLCHAIN="${GOTOOLCHAIN:-local}" go build -trimpath -ldflags '-s -w' -o "$work/$n" "./$n")
  image="localhost/braid-test/$n:1"
  c="$(bah from scratch)"
  bah copy "$c" "$work/$n" "/$n" >/dev/null
  bah config --entrypoint "[\"/$n\"]" --cmd '' --user 65532:65532 "$c"
  bah commit --quiet --timestamp 0 --omit-history "$c" "$image" >/dev/null
  bah push --quiet "$image" "oci-archive:$cached.tmp/braid-test-$n.oci.tar:$image" >/dev/null
  step "$n: $image"
done
rm -rf "$cached" && mv "$cached.tmp" "$cached"
for n in "${NAMES[@]}"; do cp "$cached/braid-test-$n.oci.tar" "$OUT/"; done
step "done: $OUT/braid-test-{pause,echo}.oci.tar"
