package dev.braid.agent.openvpn.data;

import dev.braid.agent.openvpn.keys.DataCipher;
import java.util.List;

/**
 * Runs the data channel's seal and open on throwaway keys before the first client arrives. A fresh
 * JVM interprets each method until the JIT has compiled it, and the AES and GHASH intrinsics only
 * run in compiled code: without a warm-up the first packets of the first session (a ping, a TCP
 * handshake) each spend milliseconds in the interpreter.
 */
public final class DataChannelWarmup {
  private DataChannelWarmup() {}

  /**
   * Seals and opens {@code rounds} packets of each size a tunnel typically carries, for every
   * cipher in {@code ciphers}; returns the packets that opened (all of them, unless the JCE is
   * broken), so that the work cannot be optimised away.
   */
  public static long run(List<DataCipher> ciphers, int rounds) {
    byte[] key = new byte[32];
    byte[] iv = new byte[8];
    byte[][] payloads = {new byte[84], new byte[1400], new byte[52]};
    long opened = 0;
    for (DataCipher cipher : ciphers) {
      byte[] k = java.util.Arrays.copyOf(key, cipher.keyLength());
      AeadDataChannel sender = new AeadDataChannel(cipher, k, iv, k, iv, 0, 0);
      AeadDataChannel receiver = new AeadDataChannel(cipher, k, iv, k, iv, 0, 0);
      for (int i = 0; i < rounds; i++) {
        byte[] packet = sender.seal(payloads[i % payloads.length]);
        if (receiver.open(packet, 0, packet.length, i).isOk()) {
          opened++;
        }
      }
    }
    return opened;
  }
}
