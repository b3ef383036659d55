package dev.braid.agent.testing;

import dev.braid.agent.engine.DatagramHandler;
import dev.braid.agent.engine.Datagrams;
import dev.braid.agent.engine.LoopContext;
import dev.braid.agent.engine.LoopDrop;
import dev.braid.agent.engine.Path;
import java.nio.ByteBuffer;

/**
 * Answers each datagram on the path it came over with one byte naming the worker that handled it,
 * followed by the datagram. Datagrams whose first byte is {@link #REJECT} are dropped as MALFORMED,
 * so tests can make the drop counters move.
 */
public final class EchoHandler implements DatagramHandler {
  public static final byte REJECT = (byte) 0xFF;

  private final ByteBuffer reply;

  public EchoHandler(int maxDatagram) {
    this.reply = ByteBuffer.allocateDirect(maxDatagram + 1);
  }

  @Override
  public void onDatagrams(Datagrams datagrams, LoopContext context) {
    for (int i = 0; i < datagrams.size(); i++) {
      ByteBuffer payload = datagrams.payload(i);
      if (payload.get(0) == REJECT) {
        context.drop(LoopDrop.MALFORMED, 1);
        continue;
      }
      Path path = datagrams.path(i);
      reply.clear();
      reply.put((byte) context.loopIndex()).put(payload).flip();
      context.send(path, reply);
    }
  }
}
