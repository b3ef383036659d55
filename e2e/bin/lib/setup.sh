# Sourced by e2e/bin/test and e2e/bin/demo (and so by .ci/run): brings a Debian machine to what Braid's build,
# tests and demo need, saying what it does, and exports JAVA_HOME and PATH for the JDK 25 it found.
#   setup_packages     Debian packages (apt-get install of the missing ones)
#   setup_java         a JDK 25 or newer: JAVA_HOME if it is one, else the newest under /usr/lib/jvm
#   setup_kernel       /dev/net/tun, MPTCP on
#   setup_binaries     kube-apiserver, etcd, kubectl, kubelet, ... and helm (e2e/bin/kube-api-binaries.sh)
# Needs root. Go (1.24 or newer) and a JDK 25 cannot come from Debian 12: when missing, it says so and stops.

SETUP_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"

setup_log() { printf '\n=== %s\n' "$*"; }
setup_fail() { echo "error: $*" >&2; exit 1; }

# What the tests use: namespaces and links (iproute2), loss injection and NAT (nftables, iptables), real
# peers (openvpn, iperf3), observation (tcpdump, conntrack), MPTCP (mptcpd); images built and run without a
# Docker engine (debootstrap, buildah, podman, runc, skopeo); the single-node cluster (containerd, runc, the
# CNI plugins, util-linux's nsenter).
SETUP_PACKAGES=(iproute2 iputils-ping nftables iptables ethtool openvpn iperf3 tcpdump conntrack mptcpd mptcpize openssl
  procps kmod curl unzip ca-certificates util-linux
  debootstrap buildah podman runc skopeo containerd containernetworking-plugins)

setup_packages() {
  [[ $(id -u) -eq 0 ]] || setup_fail "run as root (sudo): network namespaces, TUN, containerd and apt-get need it"
  local missing=() p
  for p in "${SETUP_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    setup_log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    setup_log "Debian packages: all ${#SETUP_PACKAGES[@]} present"
  fi
}

setup_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

setup_java() {
  if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/javac" || "$(setup_java_major "$JAVA_HOME")" -lt 25 ]]; then
    JAVA_HOME=""
    local candidate v
    for candidate in /usr/lib/jvm/*; do
      [[ -x "$candidate/bin/javac" ]] || continue
      v="$(setup_java_major "$candidate")"
      if [[ "${v:-0}" -ge 25 ]]; then JAVA_HOME="$candidate"; fi
    done
    [[ -n "$JAVA_HOME" ]] ||
      setup_fail "Braid needs a JDK 25 or newer, and none is in JAVA_HOME or /usr/lib/jvm (Debian 12 has none: install e.g. temurin-25-jdk)"
  fi
  export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
  setup_log "JDK: $JAVA_HOME ($(setup_java_major "$JAVA_HOME"))"
}

setup_go() {
  if ! command -v go >/dev/null; then
    for d in /usr/local/go/bin /usr/lib/go/bin; do [[ -x "$d/go" ]] && export PATH="$PATH:$d"; done
  fi
  command -v go >/dev/null ||
    setup_fail "Go 1.24 or newer is needed to build the Kubernetes test binaries (Debian 12's golang is too old: install Go in /usr/local/go)"
}

setup_kernel() {
  [[ -c /dev/net/tun ]] || { mkdir -p /dev/net; mknod /dev/net/tun c 10 200; }
  sysctl -qw net.mptcp.enabled=1 2>/dev/null || echo "warning: could not enable MPTCP (net.mptcp.enabled)" >&2
}

setup_binaries() {
  setup_go
  setup_log "Kubernetes binaries and helm (built from the Go module proxy once, then cached)"
  "$SETUP_REPO/e2e/bin/kube-api-binaries.sh"
}

setup_all() {
  setup_packages
  setup_java
  setup_kernel
  setup_binaries
}
