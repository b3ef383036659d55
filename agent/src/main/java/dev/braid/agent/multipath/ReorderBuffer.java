package dev.braid.agent.multipath;

/**
 * Puts the packets of one data-channel key back into packet-id order at the receiver. A packet that
 * arrives in order with nothing held is released at once (no allocation, no copy); one that arrives
 * after a gap is held until the gap fills or is given up, so nothing already in order is ever
 * delayed or reordered. A packet arriving after its gap was given up is released at once, late. Ids
 * that carried no payload (probes) fill their place with {@link #FILLER}.
 *
 * <p>A gap is given up as soon as every path that may still carry it has delivered a later id: a
 * path delivers in order, so the missing packet is not on it (MLVPN#64 waited for a timer instead).
 * Which paths may carry it: those the peer announced in its probes' sending set as of the gap's id
 * (a path that left the set still counts for ids before it left), and every path the peer has not
 * announced; and only paths heard from recently. Without the sending set, a slow path that carries
 * nothing but probes would hold every packet of a fast path for the difference in delay, because
 * probes share the packet-id sequence. Otherwise the gap is given up when the hold timeout expires,
 * or when the packet or byte limit is reached.
 *
 * <p>Ids start at 1 with each key. The ring grows from 64 slots to the packet limit as needed.
 */
final class ReorderBuffer<T> {
  /** Stands for an id whose packet is consumed elsewhere (a probe): fills the gap, not released. */
  static final Object FILLER = new Object();

  private static final int INITIAL_SLOTS = 64;

  private final int maxPackets;
  private final long maxBytes;
  private final ReorderCounters counters;
  private final long[] highestByPath;
  private final boolean[] announced; // the peer said whether path j carries packets
  private final boolean[] carrying;
  private final long[] announcedAt; // the packet id of the probe that said so
  private long latestAnnouncement;
  private boolean blind; // the peer sends on a path we cannot see: only the timer decides
  private Object[] items = new Object[INITIAL_SLOTS];
  private long[] ids = new long[INITIAL_SLOTS];
  private long[] arrivals = new long[INITIAL_SLOTS];
  private int[] lengths = new int[INITIAL_SLOTS];
  private long next = 1;
  private int held;
  private long heldBytes;
  private long highestHeld;
  private long oldestArrival; // earliest arrival among held packets (valid while held > 0)

  ReorderBuffer(ReorderConfig config, int maxPaths, ReorderCounters counters) {
    this.maxPackets = config.maxPackets();
    this.maxBytes = config.maxBytes();
    this.counters = counters;
    this.highestByPath = new long[maxPaths];
    this.announced = new boolean[maxPaths];
    this.carrying = new boolean[maxPaths];
    this.announcedAt = new long[maxPaths];
  }

  /**
   * The peer's probe with packet id {@code id} said which of our paths carry its packets ({@code
   * carryingMask}) among those it could name ({@code coveredMask}); {@code blind}: it also carries
   * packets on a path we have not heard from yet (a new path, or one behind a rebinding NAT), so no
   * gap can be known lost by the paths we see. Older announcements than one already applied are
   * ignored.
   */
  void announce(
      long id,
      long carryingMask,
      long coveredMask,
      boolean blind,
      long liveMask,
      LinkOutput<T> out) {
    if (id < latestAnnouncement) {
      return;
    }
    latestAnnouncement = id;
    this.blind = blind;
    for (long m = coveredMask; m != 0; m &= m - 1) {
      int j = Long.numberOfTrailingZeros(m);
      boolean c = (carryingMask & (1L << j)) != 0;
      if (!announced[j] || carrying[j] != c) {
        announced[j] = true;
        carrying[j] = c;
        announcedAt[j] = id;
      }
    }
    resolve(liveMask, out);
  }

  /**
   * One authenticated, fresh packet (or {@link #FILLER}) with id {@code id} from path {@code
   * pathId}. {@code liveMask}: the paths that may still deliver something (bit i = path i).
   */
  void offer(
      int pathId,
      long id,
      Object item,
      int length,
      long nowNanos,
      long liveMask,
      LinkOutput<T> out) {
    if (id > highestByPath[pathId]) {
      highestByPath[pathId] = id;
    }
    if (id == next) {
      next++;
      release(item, out);
      if (held == 0) {
        return; // the fast path: in order, nothing waiting
      }
      drain(out);
    } else if (id < next) {
      if (item != FILLER) {
        counters.releasedLate++;
        out.deliver(cast(item));
      }
      return;
    } else {
      hold(id, item, length, nowNanos, out);
    }
    resolve(liveMask, out);
  }

  /** A copy of id {@code id} (already received) came over {@code pathId}: that path passed it. */
  void passed(int pathId, long id, long liveMask, LinkOutput<T> out) {
    if (id > highestByPath[pathId]) {
      highestByPath[pathId] = id;
      resolve(liveMask, out);
    }
  }

  /** Gives up gaps whose hold timeout expired, or that every live path has passed by now. */
  void poll(long nowNanos, long holdTimeoutNanos, long liveMask, LinkOutput<T> out) {
    while (held > 0 && nowNanos - oldestArrival >= holdTimeoutNanos) {
      giveUp(GapReason.TIMEOUT, out);
    }
    resolve(liveMask, out);
  }

  /** When the oldest gap times out, or {@link Long#MAX_VALUE} with nothing held. */
  long deadlineNanos(long holdTimeoutNanos) {
    return held == 0 ? Long.MAX_VALUE : oldestArrival + holdTimeoutNanos;
  }

  /** The key's ids restart at 1: release what is held, in order, and start over. */
  void restart(LinkOutput<T> out) {
    while (held > 0) {
      giveUp(GapReason.KEY_RESTART, out);
    }
    next = 1;
    latestAnnouncement = 0;
    blind = false;
    java.util.Arrays.fill(highestByPath, 0);
    java.util.Arrays.fill(announced, false);
  }

  /** Forgets what a removed path delivered, so a new path with its id starts clean. */
  void forgetPath(int pathId) {
    highestByPath[pathId] = 0;
    announced[pathId] = false;
  }

  int held() {
    return held;
  }

  private void hold(long id, Object item, int length, long nowNanos, LinkOutput<T> out) {
    while (id - next >= items.length && items.length < maxPackets) {
      grow();
    }
    while (held > 0
        && (id - next >= items.length || held >= maxPackets || heldBytes + length > maxBytes)) {
      giveUp(GapReason.OVERFLOW, out);
    }
    if (id - next >= items.length) {
      // Nothing held and still too far ahead: skip the gap, release this one in order.
      counters.gapsGivenUp[GapReason.OVERFLOW.ordinal()]++;
      counters.idsGivenUp += id - next;
      next = id + 1;
      release(item, out);
      return;
    }
    if (id < next) { // the overflow releases moved past it
      if (item != FILLER) {
        counters.releasedLate++;
        out.deliver(cast(item));
      }
      return;
    }
    if (id == next) {
      next++;
      release(item, out);
      drain(out);
      return;
    }
    int slot = (int) (id & (items.length - 1));
    if (items[slot] != null) {
      counters.duplicatesDropped++; // same id: the slot range never exceeds the ring
      return;
    }
    items[slot] = item;
    ids[slot] = id;
    arrivals[slot] = nowNanos;
    lengths[slot] = length;
    if (held == 0) {
      oldestArrival = nowNanos;
    }
    held++;
    heldBytes += length;
    highestHeld = Math.max(highestHeld, id);
    counters.held++;
    counters.heldNow++;
    counters.heldBytesNow += length;
  }

  /** Releases held packets from {@code next} on while they are consecutive. */
  private void drain(LinkOutput<T> out) {
    int mask = items.length - 1;
    boolean released = false;
    while (held > 0) {
      int slot = (int) (next & mask);
      Object item = items[slot];
      if (item == null || ids[slot] != next) {
        break;
      }
      take(slot);
      next++;
      release(item, out);
      released = true;
    }
    if (released && held > 0) {
      recomputeOldestArrival();
    }
  }

  /** Stops waiting for the ids before the first held one, and releases what follows in order. */
  private void giveUp(GapReason reason, LinkOutput<T> out) {
    int mask = items.length - 1;
    long first = next;
    while (items[(int) (first & mask)] == null || ids[(int) (first & mask)] != first) {
      first++;
    }
    counters.gapsGivenUp[reason.ordinal()]++;
    counters.idsGivenUp += first - next;
    next = first;
    drain(out);
  }

  /** Gives up gaps while every path that may still carry the missing id has passed it. */
  private void resolve(long liveMask, LinkOutput<T> out) {
    while (held > 0 && passed(liveMask)) {
      giveUp(GapReason.ALL_PATHS_PASSED, out);
    }
  }

  /**
   * Whether the missing id {@code next} can no longer arrive: every live path that may carry it has
   * delivered a later id, and at least one such path exists (else only the timer decides).
   */
  private boolean passed(long liveMask) {
    if (blind) {
      return false;
    }
    boolean any = false;
    for (long m = liveMask; m != 0; m &= m - 1) {
      int j = Long.numberOfTrailingZeros(m);
      if (mayCarry(j, next)) {
        if (highestByPath[j] <= next) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  private boolean mayCarry(int path, long id) {
    if (!announced[path]) {
      return true;
    }
    return carrying[path] ? id > announcedAt[path] : id < announcedAt[path];
  }

  private void take(int slot) {
    items[slot] = null;
    held--;
    heldBytes -= lengths[slot];
    counters.heldNow--;
    counters.heldBytesNow -= lengths[slot];
  }

  private void release(Object item, LinkOutput<T> out) {
    if (item != FILLER) {
      counters.releasedInOrder++;
      out.deliver(cast(item));
    }
  }

  private void recomputeOldestArrival() {
    int mask = items.length - 1;
    long oldest = Long.MAX_VALUE;
    boolean found = false;
    for (long id = next; id <= highestHeld; id++) {
      int slot = (int) (id & mask);
      if (items[slot] != null && ids[slot] == id) {
        if (!found || arrivals[slot] - oldest < 0) {
          oldest = arrivals[slot];
          found = true;
        }
      }
    }
    oldestArrival = oldest;
  }

  private void grow() {
    int size = items.length * 2;
    Object[] newItems = new Object[size];
    long[] newIds = new long[size];
    long[] newArrivals = new long[size];
    int[] newLengths = new int[size];
    for (int i = 0; i < items.length; i++) {
      if (items[i] != null) {
        int slot = (int) (ids[i] & (size - 1));
        newItems[slot] = items[i];
        newIds[slot] = ids[i];
        newArrivals[slot] = arrivals[i];
        newLengths[slot] = lengths[i];
      }
    }
    items = newItems;
    ids = newIds;
    arrivals = newArrivals;
    lengths = newLengths;
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object item) {
    return (T) item;
  }
}
