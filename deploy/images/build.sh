#!/usr/bin/env bash
# Builds the operator and agent container images without a Docker engine or a registry:
#   base    Debian 12 minbase made by debootstrap from a Debian mirror (plus iproute2 and nftables, which
#           the agent runs to address its TUN device and to masquerade tunnel traffic), trimmed; cached
#           as a tarball under
#           ${BRAID_CACHE:-~/.cache/braid}/rootfs/<hash of the recipe>.tar
#   java    a runtime made by jlink from $JAVA_HOME with only the modules the jars need (jdeps),
#           cached under .../jre/<hash of the JDK and the module list>
#   app     the jar and its lib/ directory from agent/target and operator/target
# into OCI archives <out>/braid-agent-<version>.oci.tar and <out>/braid-operator-<version>.oci.tar,
# named <registry>/braid-agent:<version> and <registry>/braid-operator:<version>. Both images share
# the base and java layers. Needs root, buildah and debootstrap; the jars must be built first
# (./mvnw -pl operator,agent -am package -DskipTests).
#
# usage: deploy/images/build.sh [--out DIR] [--registry PREFIX]
#   --out       where the archives go (default: target/images at the repository root)
#   --registry  image name prefix (default: ghcr.io/braid-dev, as in deploy/operator/deployment.yaml)
# environment: JAVA_HOME (a JDK 25 with jlink), BRAID_CACHE, BRAID_DEBIAN_MIRROR
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$REPO/target/images"
REGISTRY="ghcr.io/braid-dev"
while (($#)); do
  case "$1" in
    --out) OUT="$(realpath -m "$2")"; shift 2 ;;
    --registry) REGISTRY="$2"; shift 2 ;;
    *) echo "usage: $0 [--out DIR] [--registry PREFIX]" >&2; exit 2 ;;
  esac
done

step() { printf '[images %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { echo "error: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "needs root (debootstrap, buildah's storage)"
for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install buildah debootstrap)"
done
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[[ -x "$JAVA_HOME/bin/jlink" ]] || fail "JAVA_HOME=$JAVA_HOME has no jlink; point it at a JDK 25"

# The project version: the parent pom's own <version>, the first one after its <artifactId>.
VERSION="$(sed -n '/<artifactId>braid-parent<\/artifactId>/,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$REPO/pom.xml" | head -1)"
[[ -n "$VERSION" ]] || fail "no <version> in $REPO/pom.xml"

AGENT_JAR="$REPO/agent/target/braid-agent.jar"
OPERATOR_JAR="$REPO/operator/target/braid-operator.jar"
for jar in "$AGENT_JAR" "$OPERATOR_JAR"; do
  [[ -f "$jar" && -d "$(dirname "$jar")/lib" ]] ||
    fail "$jar (and its lib/) missing; build first: ./mvnw -pl operator,agent -am package -DskipTests"
done

CACHE="${BRAID_CACHE:-$HOME/.cache/braid}"
MIRROR="${BRAID_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
INCLUDE=iproute2,nftables,ca-certificates
# Layers and image metadata carry this time, so two builds of one commit give the same image.
EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || echo 0)}"
mkdir -p "$CACHE" "$OUT"
started=$SECONDS

# --- base root filesystem -------------------------------------------------------------------------
# The recipe (this block's settings) names the cache entry; change one and a new base is made.
recipe="debootstrap --variant=minbase --include=$INCLUDE $SUITE $MIRROR; trim v1; users root,braid:65532"
rootfs_tar="$CACHE/rootfs/$(printf '%s' "$recipe" | sha256sum | cut -c1-16).tar"
if [[ -f "$rootfs_tar" ]]; then
  step "base root filesystem: cached $rootfs_tar"
else
  step "base root filesystem: debootstrap $SUITE from $MIRROR (about a minute, once)"
  mkdir -p "$CACHE/rootfs"
  work="$(mktemp -d "$CACHE/rootfs/build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$work/root" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log above)"; }
  # Nothing in the images installs packages: drop apt's lists and caches, docs, man pages, locales.
  rm -rf "$work/root"/var/cache/apt/* "$work/root"/var/lib/apt/lists/* "$work/root"/var/log/* \
    "$work/root"/usr/share/doc/* "$work/root"/usr/share/man/* "$work/root"/usr/share/info/* \
    "$work/root"/usr/share/locale/* "$work/root"/var/cache/debconf/*-old "$work/root"/var/lib/dpkg/*-old
  # A numeric non-root user for the operator (runAsNonRoot needs a numeric user to verify).
  echo 'braid:x:65532:65532:braid:/nonexistent:/usr/sbin/nologin' >>"$work/root/etc/passwd"
  echo 'braid:x:65532:' >>"$work/root/etc/group"
  : >"$work/root/etc/machine-id"
  tar --numeric-owner --sort=name --mtime="@$EPOCH" -C "$work/root" -cf "$rootfs_tar.tmp" .
  mv "$rootfs_tar.tmp" "$rootfs_tar"
  rm -rf "$work"
  trap - EXIT
  step "base root filesystem: $(du -h "$rootfs_tar" | cut -f1) in $rootfs_tar"
fi

# --- Java runtime ---------------------------------------------------------------------------------
# Modules the jars and their libraries use, plus what jdeps cannot see: reflection-loaded
# providers (elliptic-curve TLS, DNS for JNDI, zip file systems) and sun.misc.Unsafe for Netty.
step "java runtime: jdeps over both applications"
modules="$("$JAVA_HOME/bin/jdeps" -q --multi-release 25 --ignore-missing-deps --print-module-deps \
  "$AGENT_JAR" "$REPO"/agent/target/lib/*.jar "$OPERATOR_JAR" "$REPO"/operator/target/lib/*.jar)"
modules="$modules,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs,jdk.unsupported"
modules="$(tr , '\n' <<<"$modules" | sort -u | paste -sd, -)"
jdk_id="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | grep -E 'java\.(vm\.)?version =|java.vendor =' | tr -d ' ')"
jre="$CACHE/jre/$(printf '%s|%s' "$jdk_id" "$modules" | sha256sum | cut -c1-16)"
if [[ -d "$jre" ]]; then
  step "java runtime: cached $jre"
else
  step "java runtime: jlink $modules"
  mkdir -p "$CACHE/jre"
  rm -rf "$jre.tmp"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress zip-6 --output "$jre.tmp"
  mv "$jre.tmp" "$jre"
  step "java runtime: $(du -sh "$jre" | cut -f1) in $jre"
fi

# --- images ---------------------------------------------------------------------------------------
# A private buildah store under the output directory: nothing is left in the machine's store.
store="$OUT/.storage"
bah() { buildah --root "$store/root" --runroot "$store/run" --storage-driver overlay "$@"; }
cleanup() {
  bah rm --all >/dev/null 2>&1 || true
  bah rmi --all --force >/dev/null 2>&1 || true
  rm -rf "$store" 2>/dev/null || true
}
trap cleanup EXIT
cleanup

step "base image: root filesystem + java runtime"
base="$(bah from scratch)"
mnt="$(bah mount "$base")"
tar --numeric-owner -xpf "$rootfs_tar" -C "$mnt"
mkdir -p "$mnt/opt/java"
cp -a "$jre/." "$mnt/opt/java/"
find "$mnt/opt/java" -exec touch -h -d "@$EPOCH" {} +
bah unmount "$base" >/dev/null
bah config --env JAVA_HOME=/opt/java \
  --env PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env LANG=C.UTF-8 "$base"
bah commit --quiet --timestamp "$EPOCH" --omit-history "$base" braid-base >/dev/null
bah rm "$base" >/dev/null

# app NAME JAR USER JAVA-OPTIONS...: the base plus /opt/braid/<jar> and /opt/braid/lib.
app() {
  local name="$1" jar="$2" user="$3"; shift 3
  local image="$REGISTRY/$name:$VERSION" archive="$OUT/$name-$VERSION.oci.tar"
  step "$name: $image"
  local c m entrypoint
  c="$(bah from braid-base)"
  m="$(bah mount "$c")"
  mkdir -p "$m/opt/braid"
  cp -a "$(dirname "$jar")/lib" "$m/opt/braid/lib"
  cp "$jar" "$m/opt/braid/$name.jar"
  find "$m/opt/braid" -exec touch -h -d "@$EPOCH" {} +
  bah unmount "$c" >/dev/null
  entrypoint="[\"java\""
  for opt in "$@"; do entrypoint+=",\"$opt\""; done
  entrypoint+=",\"-jar\",\"/opt/braid/$name.jar\"]"
  bah config --entrypoint "$entrypoint" --cmd '' --user "$user" --workingdir /opt/braid \
    --label org.opencontainers.image.title="$name" \
    --label org.opencontainers.image.version="$VERSION" "$c"
  bah commit --quiet --timestamp "$EPOCH" --omit-history "$c" "$image" >/dev/null
  bah rm "$c" >/dev/null
  rm -f "$archive"
  bah push --quiet "$image" "oci-archive:$archive:$image" >/dev/null
  step "$name: $(du -h "$archive" | cut -f1) $archive"
}

# The agent runs as root: its DaemonSet adds NET_ADMIN, which a non-root process would not hold.
# The jar's manifest enables native access (FFM) for the class path.
app braid-agent "$AGENT_JAR" 0:0 -XX:MaxRAMPercentage=75
# The operator runs as the numeric non-root user its Deployment's runAsNonRoot requires.
app braid-operator "$OPERATOR_JAR" 65532:65532 -XX:MaxRAMPercentage=75

step "done in $((SECONDS - started)) s; load with: podman load -i $OUT/braid-agent-$VERSION.oci.tar (see deploy/README.md)"
