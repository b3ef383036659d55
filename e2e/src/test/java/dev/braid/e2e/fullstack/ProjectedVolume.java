package dev.braid.e2e.fullstack;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One ConfigMap or Secret volume of the agent pod, kept in the kubelet's atomic-writer layout: the
 * files live in a hidden timestamped folder, {@code ..data} is a symlink to it, and each visible
 * name is a symlink through {@code ..data}. An update writes a complete new folder and renames a
 * fresh {@code ..data} link over the old one, so a reader sees either all old or all new files.
 */
final class ProjectedVolume {
  private static final String DATA = "..data";
  private static final AtomicLong GENERATION = new AtomicLong();

  private final KubernetesClient api;
  private final String namespace;
  private final Volume volume;
  private final Path dir;
  private final Map<String, Path> mounts;
  private Map<String, String> written;

  ProjectedVolume(
      KubernetesClient api, String namespace, Volume volume, Path dir, Map<String, Path> mounts) {
    this.api = api;
    this.namespace = namespace;
    this.volume = volume;
    this.dir = dir;
    this.mounts = mounts;
  }

  /**
   * Reads the object and swaps in its files when they differ from the ones in place.
   *
   * @return true when the files changed
   */
  boolean sync() throws IOException {
    Map<String, String> files = files();
    if (files.equals(written)) {
      return false;
    }
    Files.createDirectories(dir);
    Path previous = Files.isSymbolicLink(dir.resolve(DATA)) ? current() : null;
    String generation = ".." + System.nanoTime() + "." + GENERATION.incrementAndGet();
    Path next = dir.resolve(generation);
    for (var f : files.entrySet()) {
      Path p = next.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    Path link = dir.resolve(DATA + "_tmp");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of(generation));
    Files.move(link, dir.resolve(DATA), StandardCopyOption.ATOMIC_MOVE);
    for (String top : files.keySet().stream().map(k -> Path.of(k).getName(0).toString()).toList()) {
      try {
        Files.createSymbolicLink(dir.resolve(top), Path.of(DATA, top));
      } catch (FileAlreadyExistsException e) {
        // the link through ..data already points at the new file
      }
    }
    if (previous != null) {
      delete(previous);
    }
    written = files;
    return true;
  }

  private Path current() throws IOException {
    return dir.resolve(Files.readSymbolicLink(dir.resolve(DATA)));
  }

  /** The volume's files by path, as the pod spec projects them. */
  private Map<String, String> files() {
    Map<String, String> data = new LinkedHashMap<>();
    List<KeyToPath> items;
    if (volume.getConfigMap() != null) {
      ConfigMap cm =
          api.configMaps().inNamespace(namespace).withName(volume.getConfigMap().getName()).get();
      cm.getData().forEach((k, text) -> data.put(k, AgentPod.relocate(text, mounts)));
      items = volume.getConfigMap().getItems();
    } else {
      Secret s =
          api.secrets().inNamespace(namespace).withName(volume.getSecret().getSecretName()).get();
      s.getData()
          .forEach(
              (k, b64) ->
                  data.put(k, new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8)));
      items = volume.getSecret().getItems();
    }
    if (items == null || items.isEmpty()) {
      return data;
    }
    Map<String, String> files = new LinkedHashMap<>();
    for (KeyToPath item : items) {
      String value = data.get(item.getKey());
      if (value == null) {
        // what the kubelet does too: the pod does not start
        throw new IllegalStateException("volume item " + item.getKey() + " is not in the data");
      }
      files.put(item.getPath(), value);
    }
    return files;
  }

  private static void delete(Path folder) throws IOException {
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
