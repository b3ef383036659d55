package dev.braid.agent.engine;

import dev.braid.agent.nativeio.TunWriter;
import java.nio.ByteBuffer;

/**
 * Writes IP packets into one TUN queue from one thread. On a queue with a virtio_net_hdr, TCP
 * segments are merged into super-packets ({@link TcpCoalescer}) until {@link #flush()}, which the
 * writing loop calls when it has handled a batch.
 */
public final class TunOutput implements AutoCloseable {
  /** Where the outcome of each write is counted. */
  public interface Counts {
    void written(int packets, long bytes);

    void failed(int packets);
  }

  private final TunWriter writer;
  private final TcpCoalescer coalescer;
  private final Counts counts;
  private final TcpCoalescer.Sink sink = this::writeFrame;

  TunOutput(TunWriter writer, Counts counts) {
    this.writer = writer;
    this.counts = counts;
    this.coalescer = writer.hasVnetHeader() ? new TcpCoalescer() : null;
  }

  /** Writes a copy of {@code packet}'s remaining bytes, now or at the next {@link #flush()}. */
  public void write(ByteBuffer packet) {
    if (coalescer != null) {
      coalescer.add(packet, sink);
    } else {
      writeFrame(packet, false, 1, packet.remaining());
    }
  }

  /** Writes what is still held back. */
  public void flush() {
    if (coalescer != null) {
      coalescer.flush(sink);
    }
  }

  private void writeFrame(ByteBuffer frame, boolean withHeader, int packets, long bytes) {
    int errno = withHeader ? writer.writeFrame(frame) : writer.write(frame);
    if (errno == 0) {
      counts.written(packets, bytes);
    } else {
      counts.failed(packets);
    }
  }

  /** Frees the writer's buffer; the queue itself stays open. */
  @Override
  public void close() {
    writer.close();
  }
}
