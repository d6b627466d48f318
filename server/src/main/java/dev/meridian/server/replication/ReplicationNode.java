package dev.meridian.server.replication;

import dev.meridian.paxos.codec.CodecException;
import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.driver.RocksPaxosStorage;
import dev.meridian.paxos.replica.ProposeResult;
import dev.meridian.paxos.replica.Role;
import dev.meridian.paxos.replica.Status;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.real.EventLoop;
import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.server.ForegroundNode;
import dev.meridian.server.NodeLogging;
import dev.meridian.server.admin.AdminServer;
import dev.meridian.server.admin.AdminServer.Response;
import dev.meridian.server.transport.NodeTransport;
import dev.meridian.server.time.NodeClock;
import dev.meridian.server.transport.TransportOptions;
import dev.meridian.storage.rocks.RocksMvccEngine;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A replication-only node ({@code meridian paxos-node}): hosts a replica of each of {@code --groups}
 * Multi-Paxos groups whose voters are the nodes of {@code --peers}, over the node transport, with
 * replica state durable in RocksDB and a {@link FingerprintStateMachine} per group. It is the
 * replication layer running on its own in real processes, before ranges and transactions move onto it;
 * tests and {@code meridian bench-paxos} drive it through its admin HTTP:
 *
 * <ul>
 *   <li>{@code GET /paxos/status}: one line per group, {@code key=value} pairs (group, role, leader,
 *       active, ballot, commit, applied, last, snapshot, lease-end-micros, commands, fingerprint).
 *   <li>{@code POST /paxos/propose?group=G} with the command as body: 200 {@code slot=N} once applied
 *       here; 409 {@code not-leader leader=N} (or {@code leader=none}); 503 when not ready or the
 *       commit took longer than 10 s.
 *   <li>{@code POST /paxos/transfer?to=N}: hands every group this node leads to node N.
 *   <li>{@code GET /health}: 200 while the node's clock is trusted, 503 with the reason while it is
 *       fenced; {@code /truetime}, {@code /truetime/history} and {@code /fault/clock} as {@link
 *       NodeClock} says. A fenced node neither grants, extends nor holds a lease (the replicas see
 *       TrueTime fail closed).
 *   <li>{@code POST /paxos/load?proposers=P&seconds=S&warmup-seconds=W&payload-bytes=B}: runs a {@link
 *       ProposalLoad} over the groups this node leads; answers its result as JSON.
 * </ul>
 */
public final class ReplicationNode implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ReplicationNode.class.getName());
  private static final long PROPOSE_TIMEOUT_MILLIS = 10_000;
  private static final String CLUSTER_ID = "meridian-paxos";

  private final ReplicationOptions options;
  private final EventLoop loop;
  private final NodeClock clock;
  private final RocksMvccEngine engine;
  private final NodeTransport transport;
  /** Set once the driver exists; payloads arriving before are dropped. */
  private volatile PaxosDriver driver;
  private final AtomicLong malformedPayloads = new AtomicLong();
  /** One load at a time: it takes an admin thread for its whole run. */
  private final AtomicBoolean loadRunning = new AtomicBoolean();
  private final Map<GroupId, FingerprintStateMachine> stateMachines = new LinkedHashMap<>();
  private final AdminServer admin;
  private final AtomicBoolean closed = new AtomicBoolean();

  ReplicationNode(ReplicationOptions options) throws Exception {
    this.options = options;
    NodeId self = new NodeId(options.nodeId());
    this.loop = new EventLoop("paxos-loop", ReplicationNode::halt);
    this.clock = new NodeClock(options.nodeId(), options.clock());
    RocksMvccEngine openedEngine = null;
    NodeTransport startedTransport = null;
    PaxosDriver startedDriver = null;
    AdminServer startedAdmin = null;
    try {
      openedEngine = RocksMvccEngine.open(options.dataDir().resolve("rocksdb"), RocksMvccEngine.Options.defaults(),
          new NamedThreadFactory("rocks-sync"));
      // Payloads are decoded on the transport's threads; the driver hops onto its loop.
      startedTransport = NodeTransport.start(self, CLUSTER_ID,
          new InetSocketAddress(options.listen(), options.port()), TransportOptions.defaults(), Runnable::run,
          this::onPayload);
      for (Map.Entry<Integer, InetSocketAddress> peer : options.peers().entrySet()) {
        if (peer.getKey() != options.nodeId()) {
          startedTransport.setPeer(new NodeId(peer.getKey()), peer.getValue());
        }
      }
      // Time requests are the only requests between replication nodes (Paxos uses one-way messages).
      startedTransport.setRequestHandler(clock::onRequest);
      clock.start(startedTransport::request);
      NodeTransport transportForSends = startedTransport;
      RocksPaxosStorage storage = new RocksPaxosStorage(openedEngine);
      requireStateMatchesClusterState(storage, options);
      startedDriver = new PaxosDriver(self, loop, clock.trueTime(), storage,
          PaxosWire.network((to, payload) -> sendOrDrop(transportForSends, to, payload)),
          RandomSource.seeded(System.nanoTime()), options.driverConfig(), ReplicationNode::halt);
      this.driver = startedDriver;
      Membership voters = Membership.ofVoters(options.peers().keySet().stream().map(NodeId::new)
          .toArray(NodeId[]::new));
      for (long g = 1; g <= options.groups(); g++) {
        GroupId group = new GroupId(g);
        FingerprintStateMachine machine = new FingerprintStateMachine();
        stateMachines.put(group, machine);
        startedDriver.host(group, options.replicaOptions(), options.initialCluster() ? voters : null, machine)
            .get(30, TimeUnit.SECONDS);
      }
      startedAdmin = AdminServer.withHealth(options.listen(), options.adminPort(), this::health, this::metricsText);
      clock.registerRoutes(startedAdmin);
      startedAdmin.route("/paxos/status", (method, uri, body) -> Response.text(200, statusText()));
      startedAdmin.route("/paxos/propose", this::handlePropose);
      startedAdmin.route("/paxos/transfer", this::handleTransfer);
      startedAdmin.route("/paxos/load", this::handleLoad);
    } catch (Exception | Error e) {
      closeAll(startedAdmin, clock, startedDriver, startedTransport, loop, openedEngine);
      throw e;
    }
    this.engine = openedEngine;
    this.transport = startedTransport;
    this.admin = startedAdmin;
  }

  private void onPayload(NodeId from, byte[] payload) {
    PaxosDriver receiver = driver;
    if (receiver == null) {
      return; // Still starting: the sender retries (heartbeats, accepts) anyway.
    }
    try {
      PaxosWire.deliver(receiver, from, payload);
    } catch (CodecException e) {
      malformedPayloads.incrementAndGet();
      LOG.log(Level.WARNING, "dropped a malformed payload from " + from + ": " + e.getMessage());
    }
  }

  /**
   * A node's groups are bootstrapped once, when the cluster is created ({@code
   * --initial-cluster-state new}); a restart must find each group's state on disk. A node whose disk
   * was wiped or whose {@code --data-dir} is wrong would otherwise come back as a voter that forgot its
   * promises and acceptances — and could help choose a second value for a slot.
   */
  private static void requireStateMatchesClusterState(RocksPaxosStorage storage, ReplicationOptions options) {
    for (long g = 1; g <= options.groups(); g++) {
      boolean present = storage.load(new GroupId(g)).isPresent();
      if (!present && !options.initialCluster()) {
        throw new IllegalStateException("no replica state for group " + g + " under " + options.dataDir()
            + ": a node restarts from its own disk (a node that lost it must rejoin as a new member, which"
            + " paxos-node does not do yet); a brand-new cluster starts with --initial-cluster-state new");
      }
    }
  }

  /** The transport refuses a payload over its size limit; the protocol tolerates the loss. */
  private static void sendOrDrop(NodeTransport transport, NodeId to, byte[] payload) {
    try {
      transport.send(to, payload);
    } catch (IllegalArgumentException tooLarge) {
      LOG.log(Level.WARNING, "dropped a " + payload.length + "-byte message to " + to + ": " + tooLarge.getMessage());
    }
  }

  /**
   * A failed synced write, or a task of the replication loop that threw (a broken invariant): the
   * node can no longer vouch for its state, so it stops at once rather than serve half-alive, and its
   * supervisor restarts it from its disk (crash-only).
   */
  private static void halt(Throwable error) {
    LOG.log(Level.SEVERE, "stopping the node: replication cannot go on safely", error);
    NodeLogging.flush();
    Runtime.getRuntime().halt(70);
  }

  // ---------------------------------------------------------------------------------------------
  // Admin routes

  private String statusText() throws Exception {
    Map<GroupId, Status> statuses = driver.statuses().get(5, TimeUnit.SECONDS);
    Map<GroupId, FingerprintStateMachine.View> views = CompletableFuture.supplyAsync(() -> {
      Map<GroupId, FingerprintStateMachine.View> byGroup = new LinkedHashMap<>();
      stateMachines.forEach((group, machine) -> byGroup.put(group, machine.view()));
      return byGroup;
    }, loop).get(5, TimeUnit.SECONDS);
    StringBuilder out = new StringBuilder();
    for (Map.Entry<GroupId, Status> entry : statuses.entrySet()) {
      Status s = entry.getValue();
      FingerprintStateMachine.View view = views.get(entry.getKey());
      out.append(String.format(Locale.ROOT,
          "group=%d role=%s leader=%s active=%s ballot=%s commit=%d applied=%d last=%d snapshot=%d "
              + "lease-end-micros=%d commands=%d fingerprint=%016x%n",
          entry.getKey().value(), s.role(), s.leaderHint() == null ? "none" : s.leaderHint().value(), s.active(), s.promised(),
          s.commit().value(), s.applied().value(), s.lastSlot().value(), s.snapshotSlot().value(),
          s.leaseEndMicros(), view.commands(), view.fingerprint()));
    }
    return out.toString();
  }

  private Response handlePropose(String method, URI uri, byte[] body) throws Exception {
    requirePost(method);
    GroupId group = new GroupId(Long.parseLong(query(uri, "group", "1")));
    try {
      Slot slot = driver.propose(group, body).get(PROPOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      return Response.text(200, "slot=" + slot.value() + "\n");
    } catch (TimeoutException e) {
      return Response.text(503, "timeout: not applied within " + PROPOSE_TIMEOUT_MILLIS + " ms\n");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof PaxosDriver.ProposalException refused) {
        NodeId hint = refused.leaderHint();
        boolean notLeader = hint == null || hint.value() != options.nodeId();
        return Response.text(notLeader ? 409 : 503, (notLeader ? "not-leader" : "not-ready")
            + " leader=" + (hint == null ? "none" : hint.value()) + " " + refused.getMessage() + "\n");
      }
      throw e;
    }
  }

  private Response handleTransfer(String method, URI uri, byte[] body) throws Exception {
    requirePost(method);
    NodeId target = new NodeId(Integer.parseInt(query(uri, "to", null)));
    int transfers = 0;
    for (Map.Entry<GroupId, Status> entry : driver.statuses().get(5, TimeUnit.SECONDS).entrySet()) {
      if (entry.getValue().role() == Role.LEADER && !target.equals(entry.getValue().self())) {
        ProposeResult result = driver.transferLeadership(entry.getKey(), target).get(5, TimeUnit.SECONDS);
        if (result instanceof ProposeResult.TransferStarted) {
          transfers++;
        }
      }
    }
    return Response.text(200, "transfers=" + transfers + "\n");
  }

  private Response handleLoad(String method, URI uri, byte[] body) throws Exception {
    requirePost(method);
    List<GroupId> led = new ArrayList<>();
    driver.statuses().get(5, TimeUnit.SECONDS).forEach((group, status) -> {
      if (status.active()) {
        led.add(group);
      }
    });
    if (led.isEmpty()) {
      return Response.text(409, "this node leads no group\n");
    }
    ProposalLoad load = new ProposalLoad(driver, led, Integer.parseInt(query(uri, "proposers", "1")),
        Integer.parseInt(query(uri, "payload-bytes", "100")),
        (long) (Double.parseDouble(query(uri, "warmup-seconds", "2")) * 1000),
        (long) (Double.parseDouble(query(uri, "seconds", "10")) * 1000));
    if (!loadRunning.compareAndSet(false, true)) {
      return Response.text(409, "a load is already running on this node\n");
    }
    try {
      return Response.json(200, load.run().toJson());
    } finally {
      loadRunning.set(false);
    }
  }

  private static void requirePost(String method) {
    if (!method.equals("POST")) {
      throw new IllegalArgumentException("use POST");
    }
  }

  private static String query(URI uri, String name, String fallback) {
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(name)) {
          return pair.substring(eq + 1);
        }
      }
    }
    if (fallback == null) {
      throw new IllegalArgumentException("missing query parameter " + name);
    }
    return fallback;
  }

  /** 200 while the clock is trusted; 503 naming the reason while it is fenced (no lease is held then). */
  private Response health() {
    return clock.health(String.format(Locale.ROOT, "\"nodeId\":%d,\"groups\":%d", options.nodeId(), options.groups()));
  }

  private String metricsText() {
    // A loop that does not answer within the timeout fails the scrape (500), which is the news.
    return ReplicationMetrics.render(driver.counters().orTimeout(5, TimeUnit.SECONDS).join(),
        driver.statuses().orTimeout(5, TimeUnit.SECONDS).join(), transport.stats(), malformedPayloads.get(),
        clock);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      LOG.info("stopping");
      closeAll(admin, clock, driver, transport, loop, engine);
      LOG.info("stopped");
    }
  }

  /**
   * Stops what was started, front to back: requests, the clock's daemon, replication, inbound traffic,
   * the loop, the disk.
   */
  private static void closeAll(AdminServer admin, NodeClock clock, PaxosDriver driver, NodeTransport transport,
      EventLoop loop, RocksMvccEngine engine) {
    for (AutoCloseable part : new AutoCloseable[] {admin, clock, driver, transport, loop, engine}) {
      if (part != null) {
        try {
          part.close();
        } catch (Exception e) {
          LOG.log(Level.WARNING, "stopping " + part + " failed", e);
        }
      }
    }
  }

  /** {@code meridian paxos-node}: runs a replication node in the foreground until SIGTERM. */
  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    ReplicationOptions options;
    try {
      options = ReplicationOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("meridian paxos-node: " + e.getMessage());
      err.println(ReplicationOptions.USAGE);
      return 64;
    }
    return ForegroundNode.run("meridian paxos-node", options.dataDir(), options, () -> new ReplicationNode(options),
        node -> "paxos node " + options.nodeId() + " replicating at " + options.listen() + ":"
            + node.transport.port() + " admin at http://" + options.listen() + ":" + node.admin.port() + "/",
        out, err);
  }
}
