#!/usr/bin/env bash
# UDP -> TUN forwarding benchmark of the agent's data plane engine, beside kernel forwarding.
# Needs root (network namespaces, TUN, nft). Arguments are passed to ForwardingBenchmark, e.g.
#   e2e/bench/forwarding.sh sizes=1400,64 workers=1,2 engineCpus=0,1 genCpus=1 flows=2 seconds=5
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
./mvnw -q -o -pl agent -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xms256m -Xmx256m \
  -cp "agent/target/test-classes:agent/target/classes:$(cat agent/target/test-classpath.txt)" \
  dev.braid.agent.testing.ForwardingBenchmark "$@"
