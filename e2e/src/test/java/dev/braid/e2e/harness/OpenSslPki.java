package dev.braid.e2e.harness;

import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test PKI made with the {@code openssl} and {@code openvpn --genkey} commands, the way
 * administrators make them, so that interoperability is tested against certificates Braid's own
 * code did not write. Files live in one folder: {@code ca.crt}, {@code server.crt/.key}, client
 * certificates by name, {@code tc.key} (tls-crypt) and {@code ta.key} (tls-auth).
 */
public final class OpenSslPki {
  private final Path dir;

  private OpenSslPki(Path dir) {
    this.dir = dir;
  }

  /** Creates a CA, a server certificate for {@code serverName}, and both control-channel keys. */
  public static OpenSslPki create(Path dir, String serverName) throws IOException {
    Files.createDirectories(dir);
    OpenSslPki pki = new OpenSslPki(dir);
    pki.newCa("ca", "Braid Test CA");
    pki.issue("ca", "server", serverName, "serverAuth", null, null);
    NetNs.host("openvpn", "--genkey", "tls-crypt", dir.resolve("tc.key").toString());
    NetNs.host("openvpn", "--genkey", "tls-auth", dir.resolve("ta.key").toString());
    return pki;
  }

  /** The folder holding every file. */
  public Path dir() {
    return dir;
  }

  /** Path of a file in the PKI folder. */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /** Issues a client certificate {@code <name>.crt/.key} with EKU clientAuth from the main CA. */
  public void client(String name) {
    issue("ca", name, name, "clientAuth", null, null);
  }

  /** Issues a client certificate that expired in 2021. */
  public void expiredClient(String name) {
    issue("ca", name, name, "clientAuth", "20200101000000Z", "20210101000000Z");
  }

  /** Issues a client certificate from a second, unrelated CA ({@code other-ca.crt}). */
  public void foreignClient(String name) {
    if (!Files.exists(dir.resolve("other-ca.crt"))) {
      newCa("other-ca", "Some Other CA");
    }
    issue("other-ca", name, name, "clientAuth", null, null);
  }

  private void newCa(String name, String subject) {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".crt",
        "-days",
        "3650",
        "-subj",
        "/CN=" + subject,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
  }

  private void issue(
      String ca, String name, String cn, String eku, String notBefore, String notAfter) {
    try {
      openssl(
          "req",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:P-256",
          "-nodes",
          "-keyout",
          name + ".key",
          "-out",
          name + ".csr",
          "-subj",
          "/CN=" + cn);
      Path db = dir.resolve(ca + ".db");
      if (!Files.exists(db)) {
        Files.createFile(db);
        Files.writeString(dir.resolve(ca + ".serial"), "1000\n");
      }
      Files.writeString(
          dir.resolve(name + ".cnf"),
          String.join(
              "\n",
              "[ca]",
              "default_ca = braid",
              "[braid]",
              "database = " + db,
              "serial = " + dir.resolve(ca + ".serial"),
              "new_certs_dir = " + dir,
              "certificate = " + dir.resolve(ca + ".crt"),
              "private_key = " + dir.resolve(ca + ".key"),
              "default_md = sha256",
              "default_days = 825",
              "policy = any",
              "unique_subject = no",
              "copy_extensions = none",
              "x509_extensions = ext",
              "[any]",
              "commonName = supplied",
              "[ext]",
              "basicConstraints = critical,CA:FALSE",
              "keyUsage = critical,digitalSignature,keyAgreement",
              "extendedKeyUsage = " + eku,
              ""));
      List<String> argv =
          new ArrayList<>(
              List.of(
                  "ca",
                  "-batch",
                  "-notext",
                  "-config",
                  name + ".cnf",
                  "-in",
                  name + ".csr",
                  "-out",
                  name + ".crt"));
      if (notBefore != null) {
        argv.addAll(List.of("-startdate", notBefore, "-enddate", notAfter));
      }
      openssl(argv.toArray(String[]::new));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the PKI in " + dir, e);
    }
  }

  private void openssl(String... args) {
    List<String> argv =
        new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec openssl \"$@\"", dir.toString()));
    argv.addAll(List.of(args));
    try {
      NetNs.host(argv.toArray(String[]::new));
    } catch (IOException e) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " in " + dir, e);
    }
  }
}
