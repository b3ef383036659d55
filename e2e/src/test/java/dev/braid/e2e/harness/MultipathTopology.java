package dev.braid.e2e.harness;

import dev.braid.agent.testing.NetNs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A site and a hub joined by N >= 2 routed paths, each through its own router namespace, with a
 * host on each side's LAN. Kernel MPTCP and Braid cross exactly the same paths, which are shaped at
 * run time through {@link Uplink}.
 *
 * <pre>
 * site LAN host 10.60.0.2 -- 10.60.0.1 site                     hub 10.61.0.1 -- 10.61.0.2 hub LAN host
 *                                     up0 10.70.0.2 -- 10.70.0.1 router A 10.71.0.1 -- 10.71.0.2 path0
 *                                     up1 10.70.1.2 -- 10.70.1.1 router B 10.71.1.1 -- 10.71.1.2 path1
 *                                     ...                                           hub 10.72.0.1/32 (lo)
 * </pre>
 *
 * <p>Addressing. The site has one address per uplink and source-based policy routing ({@code ip
 * rule from 10.70.k.2 lookup 100+k}, whose table's default route leaves through uplink k); its main
 * table's default route is path A. The hub answers on a service address, {@link #HUB_ADDRESS}, that
 * every router routes to the hub, and routes each uplink subnet back through that uplink's router.
 * So the site's choice of source address alone picks the path, both ways, to one hub address: as a
 * site with several ISPs reaches one public hub address. That is what both systems need: MPTCP's
 * {@code subflow} endpoints open one subflow per uplink address to the same destination (no
 * ADD_ADDR from the hub needed), and a Braid site opens one path per (uplink, hub endpoint) with a
 * single hub endpoint. The hub's per-link addresses ({@link Uplink#hubLinkAddress}) exist too, for
 * reaching a path's far end explicitly.
 *
 * <p>The routers know no LAN prefix: the LAN hosts reach each other only through a tunnel between
 * site and hub, which must install the routes (the LAN hosts' default routes point at site and hub,
 * which forward).
 *
 * <p>Each router runs its delay line in a {@link DelayBox}: policy routing ({@code ip rule iif site
 * lookup 10}, {@code iif hub lookup 11}) sends every forwarded packet into a TUN device per
 * direction, and the box writes it back after the delay. A blackhole route behind the TUN route
 * makes a path drop, rather than forward undelayed, if the box is gone. One box process serves all
 * routers; it is started here and ends with {@link #close()} or with this JVM.
 *
 * <p>Names: every namespace is {@code braid-mp<pid>-<role>-<random>}; {@link #create} first deletes
 * the namespaces (and kills the processes in them) left by JVMs that no longer run, so a crashed
 * run leaves nothing behind for long. Needs root, {@code ip}, {@code tc} (tbf) and {@code nft}.
 */
public final class MultipathTopology implements AutoCloseable {
  /** The hub's service address, reachable over every path. */
  public static final String HUB_ADDRESS = "10.72.0.1";

  public static final String SITE_LAN = "10.60.0.0/24";
  public static final String SITE_LAN_GATEWAY = "10.60.0.1";
  public static final String SITE_LAN_HOST = "10.60.0.2";
  public static final String HUB_LAN = "10.61.0.0/24";
  public static final String HUB_LAN_GATEWAY = "10.61.0.1";
  public static final String HUB_LAN_HOST = "10.61.0.2";

  /** The LAN hosts' interface (the site's and hub's end is {@code lan0}). */
  public static final String LAN_HOST_INTERFACE = "eth0";

  /** The tbf queue of every path unless {@link #create(int, Duration)} says otherwise. */
  public static final Duration DEFAULT_QUEUE = Duration.ofMillis(100);

  private static final String PREFIX = "mp" + ProcessHandle.current().pid();
  private static final Pattern OWNED = Pattern.compile("^braid-mp(\\d+)-\\S+");

  private final List<NetNs> namespaces = new ArrayList<>();
  private final List<Uplink> uplinks = new ArrayList<>();
  private NetNs site;
  private NetNs hub;
  private NetNs siteLan;
  private NetNs hubLan;
  private DelayBoxProcess box;
  private Path dir;
  private Thread shutdownHook;

  private MultipathTopology() {}

  /** Builds the topology with {@code paths} unshaped paths (A, B, ...) and 100 ms tbf queues. */
  public static MultipathTopology create(int paths) throws IOException {
    return create(paths, DEFAULT_QUEUE);
  }

  /** Builds the topology; {@code queue} is how long a packet may wait in a path's tbf. */
  public static MultipathTopology create(int paths, Duration queue) throws IOException {
    return create(paths, queue, true);
  }

  /**
   * Builds the topology; {@code flowSteering} false leaves the links' receive processing as veth
   * does it by default, on the sending CPU (see {@link #steerReceiveByFlow}), to show what that
   * does to the counts of reordering.
   */
  public static MultipathTopology create(int paths, Duration queue, boolean flowSteering)
      throws IOException {
    if (paths < 2 || paths > 26) {
      throw new IllegalArgumentException("a multipath topology has 2 to 26 paths, not " + paths);
    }
    removeLeftovers();
    MultipathTopology t = new MultipathTopology();
    try {
      t.build(paths, queue, flowSteering);
    } catch (IOException | RuntimeException e) {
      try {
        t.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return t;
  }

  private NetNs namespace(String role) throws IOException {
    NetNs ns = NetNs.create(PREFIX + "-" + role);
    namespaces.add(ns);
    return ns;
  }

  private void build(int paths, Duration queue, boolean flowSteering) throws IOException {
    dir = Files.createTempDirectory("braid-multipath");
    site = namespace("site");
    hub = namespace("hub");
    siteLan = namespace("sitelan");
    hubLan = namespace("hublan");
    List<NetNs> routers = new ArrayList<>();
    for (int k = 0; k < paths; k++) {
      routers.add(namespace("router" + (char) ('a' + k)));
    }
    shutdownHook = Thread.ofPlatform().unstarted(this::closeQuietly);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    for (NetNs ns : List.of(site, hub)) {
      forwarding(ns);
    }
    for (NetNs router : routers) {
      forwarding(router);
    }

    lan(site, siteLan, SITE_LAN_GATEWAY, SITE_LAN_HOST);
    lan(hub, hubLan, HUB_LAN_GATEWAY, HUB_LAN_HOST);
    hub.ip("addr", "add", HUB_ADDRESS + "/32", "dev", "lo");

    List<String> channels = new ArrayList<>();
    for (int k = 0; k < paths; k++) {
      NetNs router = routers.get(k);
      String siteIf = Uplink.siteInterface(k);
      site.veth(siteIf, router, Uplink.ROUTER_SITE_LINK);
      router.veth(Uplink.ROUTER_HUB_LINK, hub, "path" + k);
      site.addresses(siteIf, "10.70." + k + ".2/24");
      router.addresses(Uplink.ROUTER_SITE_LINK, "10.70." + k + ".1/24");
      router.addresses(Uplink.ROUTER_HUB_LINK, "10.71." + k + ".1/24");
      hub.addresses("path" + k, "10.71." + k + ".2/24");
      router.ip("route", "add", HUB_ADDRESS + "/32", "via", "10.71." + k + ".2");
      hub.ip("route", "add", "10.70." + k + ".0/24", "via", "10.71." + k + ".1");
      site.ip(
          "rule",
          "add",
          "from",
          "10.70." + k + ".2",
          "lookup",
          String.valueOf(100 + k),
          "pref",
          String.valueOf(1000 + k));
      channels.add(router.name() + ":" + Uplink.TUN_UP);
      channels.add(router.name() + ":" + Uplink.TUN_DOWN);
    }

    if (flowSteering) {
      for (NetNs ns : namespaces) {
        steerReceiveByFlow(ns);
      }
    }
    box = DelayBoxProcess.start(channels, dir.resolve("delaybox.log"));
    for (int k = 0; k < paths; k++) {
      NetNs router = routers.get(k);
      delayLine(router, Uplink.ROUTER_SITE_LINK, Uplink.TUN_UP, "10");
      delayLine(router, Uplink.ROUTER_HUB_LINK, Uplink.TUN_DOWN, "11");
      router.exec("nft", "add table inet braidpath");
      router.exec(
          "nft",
          "add chain inet braidpath forward { type filter hook forward priority 0 ; policy accept ; }");
      Uplink uplink = new Uplink(k, site, router, box, queue);
      uplink.routes();
      uplinks.add(uplink);
    }
    for (Uplink u : uplinks) {
      warmUp(u);
    }
  }

  /**
   * Sends pings over a fresh path: proves it forwards, and gets the delay box's packet loop
   * compiled and the neighbour entries resolved before anything is measured (the first packets
   * through a new box took tens of milliseconds more).
   */
  private void warmUp(Uplink u) throws IOException {
    Ping.Result r = Ping.run(site, u.siteAddress(), HUB_ADDRESS, 200, Duration.ofMillis(2));
    if (r.received() < 190) {
      throw new IOException(
          u
              + " does not forward: "
              + r.received()
              + " of 200 pings answered; delay box log:\n"
              + Files.readString(dir.resolve("delaybox.log")));
    }
  }

  /** Routing on, reverse-path filtering off (the delay line's TUN is an asymmetric detour). */
  private static void forwarding(NetNs ns) throws IOException {
    ns.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    ns.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0");
    ns.exec("sysctl", "-q", "-w", "net.ipv4.conf.default.rp_filter=0");
  }

  /**
   * Spreads every link's receive processing over the CPUs by flow hash (RPS), as a NIC's receive
   * hashing does. A veth otherwise queues each packet on the CPU its sender runs on, so two packets
   * of one flow sent from different CPUs can swap places: reordering the paths themselves would add
   * to what is being measured.
   */
  private static void steerReceiveByFlow(NetNs ns) throws IOException {
    int cpus = Runtime.getRuntime().availableProcessors();
    String mask = cpus >= 32 ? "ffffffff" : Integer.toHexString((1 << cpus) - 1);
    ns.exec(
        "sh",
        "-c",
        "for q in /sys/class/net/*/queues/rx-*/rps_cpus; do echo " + mask + " > $q; done");
  }

  private static void lan(NetNs gateway, NetNs host, String gatewayAddress, String hostAddress)
      throws IOException {
    gateway.veth("lan0", host, LAN_HOST_INTERFACE);
    gateway.addresses("lan0", gatewayAddress + "/24");
    host.addresses(LAN_HOST_INTERFACE, hostAddress + "/24");
    host.ip("route", "add", "default", "via", gatewayAddress);
  }

  /** Everything arriving on {@code link} goes into {@code tun}; nothing bypasses the delay. */
  private static void delayLine(NetNs router, String link, String tun, String table)
      throws IOException {
    router.ip("link", "set", tun, "up", "txqueuelen", "10000");
    router.exec("sysctl", "-q", "-w", "net.ipv4.conf." + tun + ".rp_filter=0");
    router.exec("sysctl", "-q", "-w", "net.ipv6.conf." + tun + ".disable_ipv6=1");
    router.ip("route", "add", "default", "dev", tun, "table", table);
    router.ip("route", "add", "blackhole", "default", "metric", "4096", "table", table);
    router.ip(
        "rule", "add", "iif", link, "lookup", table, "pref", table.equals("10") ? "100" : "101");
  }

  /** The paths, A first. */
  public List<Uplink> uplinks() {
    return List.copyOf(uplinks);
  }

  /** Path {@code k} (0 = A). */
  public Uplink uplink(int k) {
    return uplinks.get(k);
  }

  public NetNs site() {
    return site;
  }

  public NetNs hub() {
    return hub;
  }

  /** The host on the site's LAN ({@link #SITE_LAN_HOST}, default route via the site). */
  public NetNs siteLan() {
    return siteLan;
  }

  /** The host on the hub's LAN ({@link #HUB_LAN_HOST}, default route via the hub). */
  public NetNs hubLan() {
    return hubLan;
  }

  /** A folder for logs and configs that lives as long as the topology's run. */
  public Path dir() {
    return dir;
  }

  /** Undoes every shaping, blackhole and link-down on every path. */
  public void reset() throws IOException {
    for (Uplink u : uplinks) {
      u.reset();
    }
  }

  /** Throws with the delay box's log if it is gone (then no path forwards anything). */
  public void requireDelayBox() throws IOException {
    box.requireAlive();
  }

  /** The delay box's process id (it must be gone after {@link #close()}). */
  public long delayBoxPid() {
    return box.pid();
  }

  /** Every channel's delay box counters, two per path (up, down), in path order. */
  public List<DelayBoxProcess.ChannelStats> delayStats() throws IOException {
    return box.stats();
  }

  /**
   * Deletes the {@code braid-mp<pid>-} namespaces whose creating JVM is gone, killing what still
   * runs inside them first. Namespaces of live JVMs (another run in progress) are left alone.
   */
  public static void removeLeftovers() throws IOException {
    for (String line : NetNs.host("ip", "netns", "list").split("\n")) {
      Matcher m = OWNED.matcher(line.strip());
      if (!m.find()) {
        continue;
      }
      String name = line.strip().split("\\s+")[0];
      long owner = Long.parseLong(m.group(1));
      if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
        continue;
      }
      killProcessesIn(name);
      NetNs.host("ip", "netns", "delete", name);
    }
  }

  /** Kills what runs inside namespace {@code name}: the programs a run started there. */
  private static void killProcessesIn(String name) throws IOException {
    long self = ProcessHandle.current().pid();
    for (String pid : NetNs.host("ip", "netns", "pids", name).split("\\s+")) {
      if (!pid.isBlank() && Long.parseLong(pid.strip()) != self) {
        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      System.err.println("multipath topology cleanup: " + e);
    }
  }

  /** Stops the delay box and deletes every namespace (their links, routes and rules go too). */
  @Override
  public synchronized void close() throws IOException {
    IOException first = null;
    if (box != null) {
      try {
        box.close();
      } catch (IOException e) {
        first = e;
      }
      box = null;
    }
    for (NetNs ns : namespaces.reversed()) {
      try {
        killProcessesIn(ns.name());
        ns.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    namespaces.clear();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // close() runs from the hook itself: the JVM is already shutting down
      }
      shutdownHook = null;
    }
    if (first != null) {
      throw first;
    }
  }
}
