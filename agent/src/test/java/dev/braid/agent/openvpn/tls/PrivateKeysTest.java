package dev.braid.agent.openvpn.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.agent.openvpn.testing.TestPki;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

/** The private key forms found in profiles: PKCS#8, and the traditional PKCS#1 and SEC1. */
class PrivateKeysTest {
  static String traditional(PrivateKey k) throws Exception {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(k); // BC writes RSA as PKCS#1 and EC as SEC1 (with the curve named)
    }
    return w.toString();
  }

  @Test
  void readsPkcs8() throws Exception {
    KeyPair k = ec();
    PrivateKey read = PrivateKeys.parse(TestPki.pem(k.getPrivate()), k.getPublic());
    assertThat(read.getEncoded()).isEqualTo(k.getPrivate().getEncoded());
  }

  @Test
  void readsPkcs1RsaKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair k = g.generateKeyPair();
    String pem = traditional(k.getPrivate());
    assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    PrivateKey read = PrivateKeys.parse(pem, k.getPublic());
    assertThat(read.getEncoded()).isEqualTo(k.getPrivate().getEncoded());
  }

  /** What {@code openssl ecparam -name prime256v1 -genkey} writes: SEC1 naming its curve. */
  private static final String OPENSSL_SEC1 =
      """
      -----BEGIN EC PARAMETERS-----
      BggqhkjOPQMBBw==
      -----END EC PARAMETERS-----
      -----BEGIN EC PRIVATE KEY-----
      MHcCAQEEIK8qjG+nUt3nm5/zKNtszyDzLxqzSXxE85zpe3o/FnmJoAoGCCqGSM49
      AwEHoUQDQgAEs6CZdRTY4QZutLlEi+99StW6xb9PR88lPfzSiWUsCr0i7e/RFkLT
      Erc1RjMWSSnXhWuNhaiTGUijKVFCNIJ0PQ==
      -----END EC PRIVATE KEY-----
      """;

  @Test
  void readsSec1EcKeysNamingTheirCurveEvenBehindAnEcParametersBlock() throws Exception {
    KeyPair any = ec(); // only its algorithm is used: the key names its own curve
    PrivateKey read = PrivateKeys.parse(OPENSSL_SEC1, any.getPublic());
    assertThat(((ECPrivateKey) read).getS())
        .isEqualTo(
            new BigInteger("AF2A8C6FA752DDE79B9FF328DB6CCF20F32F1AB3497C44F39CE97B7A3F167989", 16));
  }

  @Test
  void readsSec1EcKeysWithoutACurveByTheCertificatesCurve() throws Exception {
    KeyPair k = ec();
    String pem = traditional(k.getPrivate()); // BC leaves the curve out of the SEC1 structure
    assertThat(pem).startsWith("-----BEGIN EC PRIVATE KEY-----");
    PrivateKey read = PrivateKeys.parse(pem, k.getPublic());
    assertThat(((ECPrivateKey) read).getS()).isEqualTo(((ECPrivateKey) k.getPrivate()).getS());
  }

  @Test
  void refusesEncryptedKeysAndSaysWhatItWanted() {
    assertThatThrownBy(
            () ->
                PrivateKeys.parse(
                    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----",
                    ec().getPublic()))
        .hasMessageContaining("encrypted");
    assertThatThrownBy(() -> PrivateKeys.parse("hello", ec().getPublic()))
        .hasMessageContaining("expected a 'BEGIN PRIVATE KEY'");
    assertThatThrownBy(
            () -> PrivateKeys.parse("-----BEGIN PRIVATE KEY-----\nAAAA\n", ec().getPublic()))
        .hasMessageContaining("without '-----END PRIVATE KEY-----'");
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }
}
