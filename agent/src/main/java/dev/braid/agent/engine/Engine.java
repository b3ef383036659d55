package dev.braid.agent.engine;

import dev.braid.agent.nativeio.NativeIoException;
import dev.braid.agent.nativeio.NetworkNamespace;
import dev.braid.agent.nativeio.ReuseportSteering;
import dev.braid.agent.nativeio.TunDevice;
import dev.braid.agent.nativeio.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The data plane: N workers, worker i owning the i-th socket of a SO_REUSEPORT group on the
 * configured port and queue i of a multiqueue TUN device. A steering program keeps each OpenVPN
 * session on one worker.
 */
public final class Engine implements AutoCloseable {
  /** Creates the per-worker handlers; called once per worker before it starts. */
  public interface Handlers {
    DatagramHandler datagramHandler(int worker);

    default TunHandler tunHandler(int worker) {
      return TunHandler.dropAll();
    }

    /** The worker's timer, or null for a worker that only reacts to I/O. */
    default WorkerTimer timer(int worker) {
      return null;
    }
  }

  private final EngineConfig config;
  private final List<Worker> workers;
  private final List<Thread> threads = new ArrayList<>();
  private final TunDevice tun;
  private final int port;
  private boolean stopped;

  private Engine(EngineConfig config, List<Worker> workers, TunDevice tun, int port) {
    this.config = config;
    this.workers = List.copyOf(workers);
    this.tun = tun;
    this.port = port;
  }

  /** Opens sockets and TUN queues (inside the configured namespace), then starts the workers. */
  public static Engine start(EngineConfig config, Handlers handlers) throws IOException {
    List<UdpSocket> sockets = new ArrayList<>();
    TunDevice tun = null;
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
      workers.forEach(Worker::close);
      throw e;
    }
    Engine engine = new Engine(config, workers, tun, sockets.getFirst().localAddress().getPort());
    for (Worker worker : workers) {
      Thread thread =
          Thread.ofPlatform().name("braid-worker-" + worker.workerIndex()).daemon().start(worker);
      engine.threads.add(thread);
    }
    return engine;
  }

  public EngineConfig config() {
    return config;
  }

  /** The UDP port all workers listen on. */
  public int port() {
    return port;
  }

  /** The TUN device's name, or null when the engine runs without one. */
  public String tunName() {
    return tun == null ? null : tun.name();
  }

  public int workerCount() {
    return workers.size();
  }

  /** Every worker's counters, read without stopping anything. */
  public List<CounterSnapshot> counters() {
    return workers.stream().map(w -> w.counters().snapshot()).toList();
  }

  /**
   * Makes worker {@code worker} run its {@link WorkerTimer} soon, from any thread (one eventfd
   * write); used to hand work to the worker that owns a session.
   */
  public void wake(int worker) throws NativeIoException {
    workers.get(worker).wake();
  }

  /**
   * A writer into TUN queue {@code queue} for a loop that is not a worker (the TCP gateway), with
   * its own buffer and TCP segment merging; null when the engine runs without TUN. The caller
   * flushes it after each batch and closes it before the engine.
   */
  public TunOutput tunOutput(int queue, TunOutput.Counts counts) {
    return tun == null ? null : new TunOutput(tun.queues().get(queue).newWriter(), counts);
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
        return "worker " + worker.workerIndex() + ": " + refusal;
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

  /** Stops the workers, waits for them and closes every descriptor. */
  @Override
  public synchronized void close() throws IOException {
    if (stopped) {
      return;
    }
    stopped = true;
    IOException error = null;
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
