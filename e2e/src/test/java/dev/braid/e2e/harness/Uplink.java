package dev.braid.e2e.harness;

import dev.braid.agent.testing.NetNs;
import dev.braid.e2e.harness.DelayBoxProcess.ChannelStats;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * One path of a {@link MultipathTopology}: the site's uplink {@code up<k>} to router {@code k}, and
 * the router's link to the hub. Every knob acts in the router, per direction, and can change while
 * traffic flows: rate (tbf on the router's egress), one-way delay (the delay box), random loss and
 * blackholing (nftables in the router's forward chain; the links stay up), and the site's link
 * itself (down/up).
 *
 * <p>Inside the router a packet goes: ingress link, nft forward (loss, blackhole), delay box TUN,
 * back into the kernel, tbf on the egress link, out. So the delay box counters count what survived
 * loss and blackholing, before the rate limit.
 */
public final class Uplink {
  /** Which way packets travel. */
  public enum Direction {
    /** Site to hub (uploads). */
    UP,
    /** Hub to site (downloads, and the ACKs of uploads). */
    DOWN
  }

  /** Rate (Mbit/s, 0 = unlimited), one-way delay and random loss (percent) for one direction. */
  public record Shape(double mbit, Duration delay, double lossPercent) {
    public static final Shape NONE = new Shape(0, Duration.ZERO, 0);

    public Shape {
      if (mbit < 0 || lossPercent < 0 || lossPercent > 100 || delay.isNegative()) {
        throw new IllegalArgumentException(
            "bad shape " + mbit + " Mbit/s " + delay + " " + lossPercent + "%");
      }
    }

    public static Shape of(double mbit, int delayMillis, double lossPercent) {
      return new Shape(mbit, Duration.ofMillis(delayMillis), lossPercent);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s, %d ms, %s%% loss",
          mbit == 0 ? "unlimited" : String.format(Locale.ROOT, "%.0f Mbit/s", mbit),
          delay.toMillis(),
          lossPercent);
    }
  }

  /** The site-side link name of path {@code k}. */
  static String siteInterface(int k) {
    return "up" + k;
  }

  static final String ROUTER_SITE_LINK = "site";
  static final String ROUTER_HUB_LINK = "hub";
  static final String TUN_UP = "dlyup";
  static final String TUN_DOWN = "dlydn";

  private final int index;
  private final NetNs site;
  private final NetNs router;
  private final DelayBoxProcess box;
  private final Duration queue;
  private final Map<Direction, Shape> shapes = new EnumMap<>(Direction.class);
  private boolean blackholed;
  private boolean linkDown;

  Uplink(int index, NetNs site, NetNs router, DelayBoxProcess box, Duration queue) {
    this.index = index;
    this.site = site;
    this.router = router;
    this.box = box;
    this.queue = queue;
    shapes.put(Direction.UP, Shape.NONE);
    shapes.put(Direction.DOWN, Shape.NONE);
  }

  /** The path's index, 0 for A. */
  public int index() {
    return index;
  }

  /** A, B, C, ... */
  public String name() {
    return String.valueOf((char) ('A' + index));
  }

  /** The site's address on this uplink: a socket bound to it leaves through this path. */
  public String siteAddress() {
    return "10.70." + index + ".2";
  }

  /** The site's interface on this uplink. */
  public String siteInterface() {
    return siteInterface(index);
  }

  /** The router's address on the site's side: the uplink's gateway. */
  public String gateway() {
    return "10.70." + index + ".1";
  }

  /** The hub's own address on this path's link (the hub's service address is reachable too). */
  public String hubLinkAddress() {
    return "10.71." + index + ".2";
  }

  /** The router namespace (for inspection; change the path through this class). */
  public NetNs router() {
    return router;
  }

  /** Applies {@code shape} to both directions. */
  public void shape(Shape shape) throws IOException {
    shape(Direction.UP, shape);
    shape(Direction.DOWN, shape);
  }

  /** Applies rate, delay and loss to one direction. */
  public synchronized void shape(Direction direction, Shape shape) throws IOException {
    rate(direction, shape.mbit());
    box.delay(channel(direction), shape.delay());
    shapes.put(direction, shape);
    applyFilter();
  }

  /** The shape now in force in {@code direction}. */
  public synchronized Shape shape(Direction direction) {
    return shapes.get(direction);
  }

  /** Sets the rate both ways (tbf with the topology's queue length); 0 removes the limit. */
  public synchronized void rate(double mbit) throws IOException {
    for (Direction d : Direction.values()) {
      rate(d, mbit);
      Shape s = shapes.get(d);
      shapes.put(d, new Shape(mbit, s.delay(), s.lossPercent()));
    }
  }

  /** Sets the one-way delay both ways. */
  public synchronized void delay(Duration oneWay) throws IOException {
    for (Direction d : Direction.values()) {
      box.delay(channel(d), oneWay);
      Shape s = shapes.get(d);
      shapes.put(d, new Shape(s.mbit(), oneWay, s.lossPercent()));
    }
  }

  /** Sets the random loss both ways, independently per direction (0.01% resolution). */
  public synchronized void loss(double percent) throws IOException {
    for (Direction d : Direction.values()) {
      Shape s = shapes.get(d);
      shapes.put(d, new Shape(s.mbit(), s.delay(), percent));
    }
    applyFilter();
  }

  /** Drops everything on this path, both ways, while every link stays up (or stops doing so). */
  public synchronized void blackhole(boolean on) throws IOException {
    blackholed = on;
    applyFilter();
  }

  public synchronized boolean blackholed() {
    return blackholed;
  }

  /** Sets the site's uplink interface down: its routes go, the router sees the carrier drop. */
  public synchronized void linkDown() throws IOException {
    site.ip("link", "set", siteInterface(), "down");
    linkDown = true;
  }

  /** Sets the site's uplink interface up again and restores the routes that went with it. */
  public synchronized void linkUp() throws IOException {
    site.ip("link", "set", siteInterface(), "up");
    routes();
    linkDown = false;
  }

  public synchronized boolean isLinkDown() {
    return linkDown;
  }

  /** No rate limit, delay, loss or blackhole; the link up. */
  public synchronized void reset() throws IOException {
    if (linkDown) {
      linkUp();
    }
    blackholed = false;
    shape(Shape.NONE);
  }

  /**
   * The delay box's counters for one direction: packets that survived loss and blackholing on this
   * path. Rate-limit drops (tbf) come after.
   */
  public ChannelStats stats(Direction direction) throws IOException {
    return box.stats().get(channel(direction));
  }

  /**
   * Packets the delay line lost, both ways: its queue overflowing or a write refused, or the kernel
   * dropping packets in front of a TUN device the box did not read fast enough. Loss and rate
   * limiting are not counted: they are what was asked for.
   */
  public long delayLineDrops() throws IOException {
    long drops = 0;
    for (Direction d : Direction.values()) {
      ChannelStats s = stats(d);
      drops += s.queueDrops() + s.writeErrors();
      String tun = d == Direction.UP ? TUN_UP : TUN_DOWN;
      drops +=
          Long.parseLong(
              router.exec("cat", "/sys/class/net/" + tun + "/statistics/tx_dropped").strip());
    }
    return drops;
  }

  /** The delay box channel of {@code direction}: two per path, up first. */
  int channel(Direction direction) {
    return 2 * index + (direction == Direction.UP ? 0 : 1);
  }

  /** Per-uplink routing at the site: a source address picks its uplink; path A is the default. */
  void routes() throws IOException {
    String table = String.valueOf(100 + index);
    site.ip(
        "route", "replace", "default", "via", gateway(), "dev", siteInterface(), "table", table);
    if (index == 0) {
      site.ip("route", "replace", "default", "via", gateway(), "dev", siteInterface());
    }
  }

  private void rate(Direction direction, double mbit) throws IOException {
    // UP leaves the router towards the hub, DOWN towards the site.
    String dev = direction == Direction.UP ? ROUTER_HUB_LINK : ROUTER_SITE_LINK;
    if (mbit <= 0) {
      String qdisc = router.exec("tc", "qdisc", "show", "dev", dev, "root");
      if (qdisc.contains("tbf")) {
        router.exec("tc", "qdisc", "del", "dev", dev, "root");
      }
      return;
    }
    long bitsPerSecond = Math.round(mbit * 1e6);
    // A burst of ~2 ms at the rate, at least 10 full-size packets; the queue holds `queue` of it.
    long burst = Math.max(15_000, bitsPerSecond / 8 / 500);
    router.exec(
        "tc",
        "qdisc",
        "replace",
        "dev",
        dev,
        "root",
        "tbf",
        "rate",
        bitsPerSecond + "bit",
        "burst",
        String.valueOf(burst),
        "latency",
        queue.toMillis() + "ms");
  }

  /** Rewrites the router's forward chain from the state: blackhole first, then loss per way. */
  private void applyFilter() throws IOException {
    StringBuilder rules = new StringBuilder("flush chain inet braidpath forward");
    for (Direction d : Direction.values()) {
      String in = d == Direction.UP ? ROUTER_SITE_LINK : ROUTER_HUB_LINK;
      if (blackholed) {
        rules.append("; add rule inet braidpath forward iifname \"").append(in).append("\" drop");
      }
      long perTenThousand = Math.round(shapes.get(d).lossPercent() * 100);
      if (perTenThousand > 0) {
        rules
            .append("; add rule inet braidpath forward iifname \"")
            .append(in)
            .append("\" numgen random mod 10000 < ")
            .append(perTenThousand)
            .append(" drop");
      }
    }
    router.exec("nft", rules.toString());
  }

  @Override
  public String toString() {
    return "path "
        + name()
        + " (up "
        + shapes.get(Direction.UP)
        + "; down "
        + shapes.get(Direction.DOWN)
        + (blackholed ? "; blackholed" : "")
        + (linkDown ? "; link down" : "")
        + ")";
  }
}
