package dev.braid.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/** Secret data as text, both ways; the API stores it base64-encoded. */
final class SecretData {
  private SecretData() {}

  /** Decoded data of a Secret; empty for null. */
  static Map<String, String> decode(Secret secret) {
    Map<String, String> out = new TreeMap<>();
    if (secret != null && secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** Encodes text values for {@code Secret.data}. */
  static Map<String, String> encode(Map<String, String> data) {
    Map<String, String> out = new TreeMap<>();
    data.forEach(
        (k, v) ->
            out.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return out;
  }
}
