package dev.braid.agent.control;

import dev.braid.api.config.AgentConfig;
import dev.braid.api.config.AgentConfigParser;
import dev.braid.api.config.ConfigProblem;
import dev.braid.api.config.InvalidConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the config document and the files it names. The fingerprint covers the document and the TLS
 * files, so a renewed certificate or a new CRL counts as a change too.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * A loaded config and the fingerprint of everything it was read from.
   *
   * @param config the parsed, validated document
   * @param fingerprint hash over the document and the files it names
   */
  public record Loaded(AgentConfig config, String fingerprint) {}

  /**
   * Loads and validates the document; a missing or unreadable TLS file is a problem of its field.
   *
   * @param nodeName fills {@code node} when the document leaves it unset (pod mode)
   */
  public static Loaded load(Path file, String nodeName) throws InvalidConfigException, IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    AgentConfig config = AgentConfigParser.parse(text, file.toString());
    if (config.node() == null) {
      config = config.withNode(nodeName);
    }
    List<ConfigProblem> problems = new ArrayList<>();
    if (config.node() == null || config.node().isBlank()) {
      problems.add(new ConfigProblem("node", "is unset and BRAID_NODE_NAME is empty"));
    }
    for (Map.Entry<String, String> f : tlsFiles(config).entrySet()) {
      if (!Files.isReadable(Path.of(f.getValue()))) {
        problems.add(
            new ConfigProblem(f.getKey(), f.getValue() + " does not exist or is not readable"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(file.toString(), problems);
    }
    return new Loaded(config, fingerprint(file, config));
  }

  /** Hash over the document and every readable file it names; cheap enough to poll. */
  public static String fingerprint(Path file, AgentConfig config) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(file));
      for (String f : tlsFiles(config).values()) {
        Path p = Path.of(f);
        if (Files.isReadable(p)) {
          sha.update(f.getBytes(StandardCharsets.UTF_8));
          sha.update(Files.readAllBytes(p));
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static Map<String, String> tlsFiles(AgentConfig c) {
    Map<String, String> files = new LinkedHashMap<>();
    if (c.tls() != null) {
      put(files, "tls.caFile", c.tls().caFile());
      put(files, "tls.certFile", c.tls().certFile());
      put(files, "tls.keyFile", c.tls().keyFile());
      put(files, "tls.controlChannelKeyFile", c.tls().controlChannelKeyFile());
      put(files, "tls.crlFile", c.tls().crlFile());
    }
    return files;
  }

  private static void put(Map<String, String> files, String path, String value) {
    if (value != null) {
      files.put(path, value);
    }
  }
}
