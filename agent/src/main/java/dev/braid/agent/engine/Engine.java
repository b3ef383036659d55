package dev.braid.agent.engine;

import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.NetworkNamespace;
import dev.braid.agent.nativeio.ReuseportSteering;
import dev.braid.agent.nativeio.TcpListener;
import dev.braid.agent.nativeio.TunDevice;
import dev.braid.agent.nativeio.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The data plane: N workers, worker i owning the i-th socket of a SO_REUSEPORT group on the
 * configured port and queue i of a multiqueue TUN device, and, when configured, the TCP loop on the
 * same port. A steering program keeps each OpenVPN session on one worker. Both kinds of loop feed
 * the same handler interfaces, so the protocol layer serves UDP and TCP alike.
 */
public final class Engine implements Loops, AutoCloseable {
  /**
   * Creates the per-loop handlers; called once per loop before it starts: for workers 0 to N - 1,
   * then for the TCP loop (index N) if there is one (it reads no TUN, so its TUN handler is not
   * asked for).
   */
  public interface Handlers {
    DatagramHandler datagramHandler(int loop);

    default TunHandler tunHandler(int loop) {
      return TunHandler.dropAll();
    }

    /** The loop's timer, or null for a loop that only reacts to I/O. */
    default LoopTimer timer(int loop) {
      return null;
    }
  }

  private final EngineConfig config;
  private final List<Worker> workers;
  private final TcpLoop tcp;
  private final List<Thread> threads = new ArrayList<>();
  private final TunDevice tun;
  private final int port;
  private boolean stopped;

  private Engine(EngineConfig config, List<Worker> workers, TcpLoop tcp, TunDevice tun, int port) {
    this.config = config;
    this.workers = List.copyOf(workers);
    this.tcp = tcp;
    this.tun = tun;
    this.port = port;
  }

  /** Opens sockets and TUN queues (inside the configured namespace), then starts the workers. */
  public static Engine start(EngineConfig config, Handlers handlers) throws IOException {
    List<UdpSocket> sockets = new ArrayList<>();
    TunDevice tun = null;
    TcpListener listener = null;
    TcpLoop tcp = null;
    List<Worker> workers = new ArrayList<>();
    try {
      NetworkNamespace ns =
          config.networkNamespace() == null
              ? null
              : NetworkNamespace.enter(config.networkNamespace());
      try {
        UdpSocket.Options options =
            UdpSocket.Options.defaults().withBuffers(config.socketBuffer(), config.socketBuffer());
        int port = config.port();
        // Bind order is group order: socket i is the one the steering program's "i" selects.
        for (int i = 0; i < config.workers(); i++) {
          UdpSocket socket =
              UdpSocket.bind(new InetSocketAddress(config.bindAddress(), port), options);
          sockets.add(socket);
          port = socket.localAddress().getPort();
        }
        if (config.steering()) {
          sockets.getFirst().attachReuseportProgram(ReuseportSteering.forOpenVpn(config.workers()));
        }
        if (config.tcp()) {
          listener =
              TcpListener.open(
                  new InetSocketAddress(config.bindAddress(), port),
                  TcpListener.Options.defaults());
        }
        if (config.tunName() != null) {
          tun =
              TunDevice.open(
                  config.tunName(),
                  config.workers(),
                  config.batchSize(),
                  config.tunPacketSize(),
                  config.tunCoalescing(),
                  config.tunCoalescing());
        }
      } finally {
        if (ns != null) {
          ns.close();
        }
      }
      for (int i = 0; i < config.workers(); i++) {
        workers.add(
            new Worker(
                i,
                config.workers(),
                config,
                sockets.get(i),
                tun == null ? null : tun.queues().get(i),
                handlers.datagramHandler(i),
                handlers.tunHandler(i),
                handlers.timer(i)));
      }
      if (listener != null) {
        int index = config.workers();
        tcp =
            new TcpLoop(
                index,
                config,
                listener,
                tun == null ? null : tun.queues().getFirst(),
                handlers.datagramHandler(index),
                handlers.timer(index));
      }
    } catch (IOException | RuntimeException e) {
      for (UdpSocket s : sockets) {
        try {
          s.close();
        } catch (NativeIoException closeFailure) {
          e.addSuppressed(closeFailure);
        }
      }
      if (tun != null) {
        try {
          tun.close();
        } catch (NativeIoException closeFailure) {
          e.addSuppressed(closeFailure);
        }
      }
      if (tcp != null) {
        tcp.close().forEach(e::addSuppressed);
      } else if (listener != null) {
        try {
          listener.close();
        } catch (NativeIoException closeFailure) {
          e.addSuppressed(closeFailure);
        }
      }
      workers.forEach(Worker::close);
      throw e;
    }
    Engine engine =
        new Engine(config, workers, tcp, tun, sockets.getFirst().localAddress().getPort());
    for (Worker worker : workers) {
      Thread thread =
          Thread.ofPlatform().name("braid-worker-" + worker.loopIndex()).daemon().start(worker);
      engine.threads.add(thread);
    }
    if (tcp != null) {
      engine.threads.add(Thread.ofPlatform().name("braid-tcp").daemon().start(tcp));
    }
    return engine;
  }

  public EngineConfig config() {
    return config;
  }

  /** The port all workers (and the TCP loop) listen on. */
  @Override
  public int port() {
    return port;
  }

  /** The TUN device's name, or null when the engine runs without one. */
  public String tunName() {
    return tun == null ? null : tun.name();
  }

  @Override
  public int workerCount() {
    return workers.size();
  }

  /** Every worker's counters, read without stopping anything. */
  public List<CounterSnapshot> counters() {
    return workers.stream().map(w -> w.counters().snapshot()).toList();
  }

  /** The TCP loop's counters (OpenVPN packets are its frames), or null without TCP. */
  public CounterSnapshot tcpCounters() {
    return tcp == null ? null : tcp.counters().snapshot();
  }

  /** The TCP listener's transport (MPTCP or why not), or null without TCP. */
  public TcpListener.Protocol tcpProtocol() {
    return tcp == null ? null : tcp.listener().protocol();
  }

  /** Ended TCP connections by cause (status keys, zeros included), empty without TCP. */
  public Map<String, Long> tcpDisconnects() {
    return tcp == null ? Map.of() : tcp.disconnects().snapshot();
  }

  /**
   * Makes loop {@code loop} (a worker, or the TCP loop at the worker count) run its {@link
   * LoopTimer} soon, from any thread (one eventfd write); used to hand work to the loop that owns a
   * session.
   *
   * @throws IllegalStateException if the eventfd write fails
   */
  @Override
  public void wake(int loop) {
    if (loop == workers.size()) {
      if (tcp != null) {
        tcp.wake();
      }
      return;
    }
    try {
      workers.get(loop).wake();
    } catch (NativeIoException e) {
      throw new IllegalStateException("waking worker " + loop + ": " + e.getMessage(), e);
    }
  }

  /** Thread ids of the running workers (-1 for one not yet started), for CPU-time accounting. */
  public List<Long> workerThreadIds() {
    return workers.stream().map(Worker::threadId).toList();
  }

  /**
   * Why the kernel refused a worker's UDP GSO sends (after which that worker sends one datagram per
   * message), or null while none was refused.
   */
  public String udpSegmentationRefusal() {
    for (Worker worker : workers) {
      String refusal = worker.segmentationRefusal();
      if (refusal != null) {
        return "worker " + worker.loopIndex() + ": " + refusal;
      }
    }
    return null;
  }

  /** The first worker failure, if a worker died; null while all are healthy. */
  public Throwable failure() {
    for (Worker worker : workers) {
      if (worker.failure() != null) {
        return worker.failure();
      }
    }
    return null;
  }

  /** The TCP loop's failure, or null (also without TCP). */
  public Throwable tcpFailure() {
    return tcp == null ? null : tcp.failure();
  }

  /** Stops the workers, waits for them and closes every descriptor. */
  @Override
  public synchronized void close() throws IOException {
    if (stopped) {
      return;
    }
    stopped = true;
    IOException error = null;
    if (tcp != null) {
      try {
        tcp.requestStop();
      } catch (RuntimeException e) {
        error = collect(error, e);
      }
    }
    for (Worker worker : workers) {
      try {
        worker.requestStop();
      } catch (NativeIoException e) {
        error = collect(error, e);
      }
    }
    for (Thread thread : threads) {
      try {
        if (!thread.join(java.time.Duration.ofSeconds(10))) {
          error = collect(error, new IOException(thread.getName() + " did not stop"));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        error = collect(error, new IOException("interrupted while stopping workers", e));
      }
    }
    if (tcp != null) {
      for (Exception e : tcp.close()) {
        error = collect(error, e);
      }
    }
    for (Worker worker : workers) {
      for (Exception e : worker.close()) {
        error = collect(error, e);
      }
    }
    if (error != null) {
      throw error;
    }
  }

  private static IOException collect(IOException first, Exception next) {
    if (first == null) {
      return next instanceof IOException io ? io : new IOException(next);
    }
    first.addSuppressed(next);
    return first;
  }
}
