package dev.braid.agent.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A config folder laid out like a mounted ConfigMap: the document sits in a timestamped folder
 * reached through the {@code ..data} symlink, and an update swaps that symlink atomically.
 */
final class ConfigFixture {
  final Path dir;
  final Path tls;
  private int version;

  ConfigFixture(Path root) throws IOException {
    dir = Files.createDirectories(root.resolve("config"));
    tls = Files.createDirectories(root.resolve("tls"));
    for (String f : new String[] {"ca.crt", "tls.crt", "tls.key", "ta.key", "crl.pem"}) {
      Files.writeString(tls.resolve(f), f + " v1\n");
    }
  }

  /** The path the agent reads. */
  Path file() {
    return dir.resolve("agent.yaml");
  }

  /** A valid document with the given port and routes. */
  String document(String namespace, String uid, int port, String route) {
    return """
        gateway: {name: edge, namespace: %s, uid: "%s", generation: %d}
        listen: {port: %d}
        pools: {ipv4: 10.8.0.0/24}
        routes: [%s]
        tls:
          caFile: %s/ca.crt
          certFile: %s/tls.crt
          keyFile: %s/tls.key
          controlChannelKeyFile: %s/ta.key
          crlFile: %s/crl.pem
        ciphers: [AES-256-GCM]
        control: {httpPort: 9464, statusIntervalSeconds: 5}
        """
        .formatted(namespace, uid, port, port, route, tls, tls, tls, tls, tls);
  }

  /** Writes a new version the way the kubelet does. */
  void write(String text) throws IOException {
    Path versioned = Files.createDirectories(dir.resolve("..v" + (++version)));
    Files.writeString(versioned.resolve("agent.yaml"), text);
    Path link = dir.resolve("..data_tmp");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, versioned.getFileName());
    Files.move(
        link,
        dir.resolve("..data"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    if (!Files.exists(file(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(file(), Path.of("..data/agent.yaml"));
    }
  }
}
