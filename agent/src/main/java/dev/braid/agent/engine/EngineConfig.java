package dev.braid.agent.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * How to run the data plane engine. Build with {@link #builder()}.
 *
 * @param bindAddress wildcard by default ({@code ::}, dual-stack)
 * @param port UDP port; 0 picks one
 * @param workers worker threads, each with its own socket and TUN queue
 * @param tunName multiqueue TUN device to open, or null for none
 * @param batchSize datagrams per recvmmsg/sendmmsg, packets per TUN read round
 * @param datagramSize receive buffer per datagram; larger datagrams are dropped as OVERSIZED
 * @param tunPacketSize largest IP packet read from or written to TUN
 * @param steering attach the OpenVPN reuseport steering program
 * @param replyFromReceivedAddress send each datagram from the local address its path arrived on
 *     (IP_PKTINFO / IPV6_PKTINFO). Turning it off exists only so tests can show the failure it
 *     prevents; never turn it off in production.
 * @param networkNamespace create sockets and TUN inside this named namespace, or null
 * @param cpus pin worker i to {@code cpus[i % cpus.length]}, or empty for no pinning
 * @param socketBuffer SO_RCVBUF/SO_SNDBUF bytes per socket, 0 for the kernel default
 * @param tunCoalescing TUN offloads both ways: open the queues with IFF_VNET_HDR, merge the TCP
 *     segments a batch writes into super-packets the kernel segments (see {@code TcpCoalescer}),
 *     and let the kernel hand out TCP super-packets and partial checksums that the worker segments
 *     and completes (see {@code TunSegmenter}); off reads and writes every packet alone
 * @param receiveHoldMicros receive moderation (see {@code ReceiveHold}): while packets stream in,
 *     wait this long before receiving so that they are handled in larger batches; 0 turns it off
 * @param udpSegmentation send consecutive same-size datagrams to one peer as one UDP GSO message
 *     (see {@code SendBatch}); off sends one message per datagram. A kernel or device that refuses
 *     it turns it off by itself, losing nothing
 * @param tcp also run the TCP loop: accept OpenVPN over TCP on the same port (MPTCP when the kernel
 *     of the namespace offers it, plain TCP otherwise)
 */
public record EngineConfig(
    InetAddress bindAddress,
    int port,
    int workers,
    String tunName,
    int batchSize,
    int datagramSize,
    int tunPacketSize,
    boolean steering,
    boolean replyFromReceivedAddress,
    String networkNamespace,
    int[] cpus,
    int socketBuffer,
    boolean tunCoalescing,
    int receiveHoldMicros,
    boolean udpSegmentation,
    boolean tcp) {

  public EngineConfig {
    if (workers < 1 || batchSize < 1 || datagramSize < 1 || tunPacketSize < 1) {
      throw new IllegalArgumentException("workers, batch and buffer sizes must be positive");
    }
    if (receiveHoldMicros < 0 || receiveHoldMicros > 10_000) {
      throw new IllegalArgumentException(
          "receiveHoldMicros must be 0..10000, was " + receiveHoldMicros);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    cpus = cpus.clone();
  }

  @Override
  public int[] cpus() {
    return cpus.clone();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builder with the engine's own defaults (what tests and benchmarks run with); the agent sets
   * every setting it has a config field for from its config, whose defaults live in the crds
   * module's {@code AgentDefaults}.
   */
  public static final class Builder {
    private InetAddress bindAddress;
    private int port;
    private int workers = Runtime.getRuntime().availableProcessors();
    private String tunName;
    private int batchSize = 64;
    private int datagramSize = 2048;
    private int tunPacketSize = 1600;
    private boolean steering = true;
    private boolean replyFromReceivedAddress = true;
    private String networkNamespace;
    private int[] cpus = new int[0];
    private int socketBuffer = 4 << 20;
    private boolean tunCoalescing = true;
    private int receiveHoldMicros = 200;
    private boolean udpSegmentation = true;
    private boolean tcp;

    private Builder() {
      try {
        bindAddress = InetAddress.getByAddress(new byte[16]);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }

    public Builder bindAddress(InetAddress value) {
      bindAddress = value;
      return this;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder workers(int value) {
      workers = value;
      return this;
    }

    public Builder tunName(String value) {
      tunName = value;
      return this;
    }

    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    public Builder datagramSize(int value) {
      datagramSize = value;
      return this;
    }

    public Builder tunPacketSize(int value) {
      tunPacketSize = value;
      return this;
    }

    public Builder steering(boolean value) {
      steering = value;
      return this;
    }

    /** Test-only: see {@link EngineConfig#replyFromReceivedAddress()}. */
    public Builder replyFromReceivedAddress(boolean value) {
      replyFromReceivedAddress = value;
      return this;
    }

    public Builder networkNamespace(String value) {
      networkNamespace = value;
      return this;
    }

    public Builder cpus(int... value) {
      cpus = value.clone();
      return this;
    }

    public Builder socketBuffer(int value) {
      socketBuffer = value;
      return this;
    }

    public Builder tunCoalescing(boolean value) {
      tunCoalescing = value;
      return this;
    }

    public Builder receiveHoldMicros(int value) {
      receiveHoldMicros = value;
      return this;
    }

    public Builder udpSegmentation(boolean value) {
      udpSegmentation = value;
      return this;
    }

    public Builder tcp(boolean value) {
      tcp = value;
      return this;
    }

    public EngineConfig build() {
      return new EngineConfig(
          bindAddress,
          port,
          workers,
          tunName,
          batchSize,
          datagramSize,
          tunPacketSize,
          steering,
          replyFromReceivedAddress,
          networkNamespace,
          cpus,
          socketBuffer,
          tunCoalescing,
          receiveHoldMicros,
          udpSegmentation,
          tcp);
    }
  }

  @Override
  public String toString() {
    return "EngineConfig["
        + bindAddress.getHostAddress()
        + ":"
        + port
        + ", workers="
        + workers
        + ", tun="
        + tunName
        + ", batch="
        + batchSize
        + ", tunCoalescing="
        + tunCoalescing
        + ", udpSegmentation="
        + udpSegmentation
        + ", tcp="
        + tcp
        + ", steering="
        + steering
        + ", replyFromReceivedAddress="
        + replyFromReceivedAddress
        + ", netns="
        + networkNamespace
        + ", cpus="
        + Arrays.toString(cpus)
        + "]";
  }
}
