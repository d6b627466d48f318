package dev.meridian.server.cluster;

import com.google.common.util.concurrent.ListenableFuture;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.server.ForegroundNode;
import dev.meridian.server.admin.Json;
import dev.meridian.server.admin.NodeMetrics;
import dev.meridian.server.cluster.proto.FormationGrpc;
import dev.meridian.server.cluster.proto.HeartbeatMsg;
import dev.meridian.server.cluster.proto.HeartbeatReply;
import dev.meridian.server.cluster.proto.InitReply;
import dev.meridian.server.cluster.proto.InitRequest;
import dev.meridian.server.cluster.proto.JoinReply;
import dev.meridian.server.cluster.proto.JoinRequestMsg;
import dev.meridian.txn.cluster.ClusterCore;
import dev.meridian.txn.cluster.ClusterCore.Liveness;
import dev.meridian.txn.cluster.ClusterCore.MemberStatus;
import dev.meridian.txn.cluster.ClusterCore.Ready;
import dev.meridian.txn.cluster.Member;
import dev.meridian.txn.cluster.Messages;
import dev.meridian.server.transport.TransportOptions;
import io.grpc.BindableService;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.util.MutableHandlerRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives a node's {@link ClusterCore} with real time, threads and sockets: the cluster endpoint
 * ({@code --port}, gRPC service {@code Formation} in {@code formation.proto}) answers {@code
 * meridian init}, joins and heartbeats; a timer ticks the core every {@value #TICK_MILLIS} ms and
 * sends the join requests and heartbeats its {@link Ready} asks for.
 *
 * <p><b>Threads.</b> One daemon thread, {@code cluster-loop}, owns the core: every request, answer
 * and tick is a task on it, so the core is never touched concurrently. gRPC calls run on Netty's
 * threads and only hand over to the loop; outgoing calls are asynchronous with a deadline of
 * {@link #CALL_DEADLINE}, and their answers come back to the loop.
 *
 * <p><b>Order.</b> A {@link Ready} is carried out as the core says: the cluster id is persisted as
 * the node's identity (through the {@link ClusterIdSink}) and a raised epoch in {@link
 * NodeIncarnation} before any message is sent; an {@code init} is answered only after the cluster
 * id is on disk. A node that cannot persist stops ticking (it sends nothing it has not recorded).
 *
 * <p>The endpoint is its own gRPC server beside (not inside) {@code NodeTransport}: the transport's
 * handshake needs the cluster id and the peer's node id, which a node waiting for init, or the
 * operator's {@code meridian init}, does not have. Once the node has its cluster id, the transport's
 * {@code Transport} service joins this server ({@link #addService}), so a node has one cluster port.
 */
public final class ClusterNode implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());

  static final long TICK_MILLIS = 100;
  static final Duration CALL_DEADLINE = Duration.ofSeconds(1);
  private static final Duration WARNING_REPEAT = Duration.ofSeconds(10);

  /**
   * A join target refused this node: its data directory is another cluster's, or its node id is
   * taken by another data directory. Restarting it as it is would be refused again, so a node
   * process ends with {@link #EXIT_CODE}, which a supervisor can tell from a crash.
   */
  public static final class RefusedException extends IllegalStateException implements ForegroundNode.ExitCode {
    /** {@code EX_CONFIG} of sysexits.h: the data directory or the flags do not fit the cluster. */
    public static final int EXIT_CODE = 78;

    RefusedException(String reason) {
      super(reason);
    }

    @Override
    public int exitCode() {
      return EXIT_CODE;
    }
  }

  /** Writes the cluster id into the node's identity; called on the loop, before anything depends on it. */
  public interface ClusterIdSink {
    void adopt(String clusterId) throws Exception;

    /**
     * This node initialized cluster {@code clusterId} ({@code meridian init} reached it) with
     * {@code founders} (itself and the nodes waiting on it), called on the loop after {@link #adopt}
     * and before init is answered: what the node derives from the founders (the bootstrap ranges'
     * voters) is on disk before anyone hears the cluster exists.
     */
    default void founded(String clusterId, List<Member> founders) throws Exception {}
  }

  /**
   * What the cluster part of {@code meridian start} takes.
   *
   * @param listen the cluster endpoint's address, or null for a node without one (a single-node
   *     cluster started without {@code --port})
   * @param advertisedHost the host peers reach this node at
   * @param joinTargets {@code host:port} of other nodes' cluster endpoints
   * @param dataDir where the registry is kept ({@link MembersFile})
   */
  public record Options(InetSocketAddress listen, String advertisedHost, List<String> joinTargets,
      ClusterCore.Config core, Path dataDir) {
    public Options {
      joinTargets = List.copyOf(joinTargets);
    }
  }

  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("cluster-loop"));
  private final Options options;
  private final NodeIncarnation incarnation;
  private final ClusterIdSink sink;
  private final Supplier<UUID> newClusterId;
  private final Server server;
  /** Services added to the cluster endpoint after it started ({@link #addService}). */
  private final MutableHandlerRegistry laterServices = new MutableHandlerRegistry();
  private final String clusterAddress;
  /** Outgoing channels by {@code host:port}, one per address in use ({@link #staleChannels}); loop only. */
  private final Map<String, ManagedChannel> channels = new HashMap<>();
  private final CompletableFuture<String> clusterIdKnown = new CompletableFuture<>();
  /** Completes when a join target first answers Joined (or fails when one refuses). */
  private final CompletableFuture<Void> registered = new CompletableFuture<>();
  /** Completes with the reason when a join target refuses this node, at whatever time. */
  private final CompletableFuture<String> refusedFor = new CompletableFuture<>();
  private final LongAdder heartbeatsSent = new LongAdder();
  private final LongAdder heartbeatFailures = new LongAdder();
  private final LongAdder joinRequestsSent = new LongAdder();
  private final long startNanos = System.nanoTime();
  /** Loop only; null until {@link #start} built it (a request before then is answered UNAVAILABLE). */
  private ClusterCore core;
  private boolean halted;
  private String lastWarning = "";
  private long lastWarningNanos;
  private volatile ClusterCore.Phase phase;
  private volatile String refusal;
  private volatile long epoch;

  private ClusterNode(Options options, NodeIncarnation incarnation, ClusterIdSink sink, Supplier<UUID> newClusterId)
      throws IOException {
    this.options = options;
    this.incarnation = incarnation;
    this.sink = sink;
    this.newClusterId = newClusterId;
    if (options.listen() == null) {
      this.server = null;
      this.clusterAddress = "";
    } else {
      try {
        // The node transport's service joins later (addService), once the node has a cluster id.
        this.server = NettyServerBuilder.forAddress(options.listen()).directExecutor()
            .maxInboundMessageSize(TransportOptions.defaults().maxInboundFrameBytes())
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(new Service())
            .fallbackHandlerRegistry(laterServices)
            .build().start();
      } catch (IOException e) {
        loop.shutdownNow();
        throw new IOException("cannot listen on the cluster endpoint " + options.listen() + " (--port): "
            + e.getMessage(), e);
      }
      this.clusterAddress = hostPort(options.advertisedHost(), server.getPort());
    }
  }

  /**
   * Starts the cluster part of a node: {@code clusterId} is the one the data directory holds, or
   * empty for a node that waits for init (it must have join targets).
   */
  public static ClusterNode start(Options options, NodeId nodeId, String region, String zone,
      Optional<String> clusterId, NodeIncarnation incarnation, ClusterIdSink sink, Supplier<UUID> newClusterId)
      throws IOException {
    ClusterNode node = new ClusterNode(options, incarnation, sink, newClusterId);
    Member self = new Member(nodeId, incarnation.storeId(), region, zone,
        new Member.Addresses(node.clusterAddress, "", ""), incarnation.epoch(), 0);
    boolean joins = !options.joinTargets().isEmpty();
    node.epoch = incarnation.epoch();
    List<Member> known;
    try {
      known = clusterId.isPresent() ? keptRegistry(options) : List.of();
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    try {
      node.loop.submit(() -> {
        node.core = clusterId.isPresent()
            ? ClusterCore.ofCluster(clusterId.get(), self, known, joins, options.core())
            : ClusterCore.waitingForInit(self, options.core());
        node.phase = node.core.phase();
        clusterId.ifPresent(node.clusterIdKnown::complete);
        if (!joins) {
          node.registered.complete(null);
        }
      }).get();
    } catch (InterruptedException | ExecutionException e) {
      node.close();
      throw new IllegalStateException("cannot start the cluster loop", e);
    }
    node.loop.scheduleWithFixedDelay(node::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    return node;
  }

  /**
   * The registry kept in {@link MembersFile}. A damaged one is set aside and re-learned from the
   * join targets (every member has it all); without join targets it is the node's only way to its
   * peers, so the start is refused, saying how to go on.
   */
  static List<Member> keptRegistry(Options options) throws IOException {
    try {
      return MembersFile.read(options.dataDir());
    } catch (MembersFile.DamagedException damaged) {
      if (options.joinTargets().isEmpty()) {
        throw new IllegalStateException(damaged.getMessage() + ". It is this node's only list of its peers, since it"
            + " was started without --join: start it with --join HOST:PORT (the --port of any other member) to"
            + " re-learn the registry from the cluster; or, if this node is a single-node cluster, delete the file"
            + " (it lists only this node)", damaged);
      }
      Path aside = MembersFile.setAside(options.dataDir());
      LOG.warning(damaged.getMessage() + "; re-learning the cluster registry from the join targets "
          + String.join(",", options.joinTargets()) + " (the damaged file is kept as " + aside + ")");
      return List.of();
    }
  }

  /**
   * Serves {@code service} on the cluster endpoint beside {@code Formation} (the node transport's
   * {@code Transport}, so that all cluster traffic has one port).
   *
   * @throws IllegalStateException for a node without a cluster endpoint
   */
  public void addService(BindableService service) {
    if (server == null) {
      throw new IllegalStateException("this node has no cluster endpoint (--port) to serve " + service + " on");
    }
    laterServices.addService(service);
  }

  /** {@code host:port} peers and {@code meridian init} reach this node's cluster endpoint at; empty without one. */
  public String clusterAddress() {
    return clusterAddress;
  }

  /**
   * Waits until this node has a cluster id (from its directory, an init, or a join), logging every
   * {@code logEvery} that it is still waiting.
   *
   * @throws IllegalStateException if a join target refused this node (the message says why)
   */
  public String awaitClusterId(Duration logEvery) throws InterruptedException {
    while (true) {
      try {
        return clusterIdKnown.get(logEvery.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        LOG.info("still waiting for init (run meridian init --host " + clusterAddress + ", or on another node);"
            + " join targets " + String.join(",", options.joinTargets()));
      } catch (ExecutionException e) {
        throw refused(e);
      }
    }
  }

  /**
   * Waits at most {@code timeout} for a join target to register this node again. Returns false if
   * none answered in time (the node serves on its stored identity and keeps asking).
   *
   * @throws IllegalStateException if a join target refused this node
   */
  public boolean awaitRegistered(Duration timeout) throws InterruptedException {
    try {
      registered.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw refused(e);
    }
  }

  private static IllegalStateException refused(ExecutionException e) {
    return e.getCause() instanceof IllegalStateException refusal ? refusal
        : new IllegalStateException(e.getCause().getMessage(), e.getCause());
  }

  /** This node bound its SQL and admin endpoints: peers learn them with the next heartbeat. */
  public void serving(String sqlAddress, String adminAddress) {
    onLoop(() -> carryOut(core.updateAddresses(new Member.Addresses(clusterAddress, sqlAddress, adminAddress))));
  }

  public ClusterCore.Phase phase() {
    return phase;
  }

  /**
   * Runs {@code action} with the reason once a join target refuses this node (at once if one already
   * has). A node that serves on its stored identity while it rejoins ({@code awaitRegistered} timed
   * out) uses it to stop serving when the refusal comes late.
   */
  public void whenRefused(Consumer<String> action) {
    refusedFor.thenAccept(action);
  }

  /** The reason a join target refused this node, or null. */
  public String refusal() {
    return refusal;
  }

  public long epoch() {
    return epoch;
  }

  /** The members and their liveness, as this node sees them now. */
  public List<MemberStatus> members() {
    return ask(() -> core.members(nowMicros()));
  }

  /** Asks the loop (which owns the core) and waits at most 2 s for its answer. */
  private <T> T ask(Supplier<T> question) {
    try {
      return CompletableFuture.supplyAsync(question, loop).get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      throw new IllegalStateException("the cluster loop did not answer: " + e, e);
    }
  }

  /** {@code GET /nodes}: this node's view of the cluster as JSON. */
  public String nodesJson() {
    List<MemberStatus> members = members();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "{\"clusterId\":\"%s\",\"self\":%d,\"phase\":\"%s\",\"epoch\":%d,\"nodes\":[",
        clusterIdKnown.isDone() && !clusterIdKnown.isCompletedExceptionally() ? clusterIdKnown.join() : "",
        members.getFirst().member().nodeId().value(), phaseName(phase), epoch));
    for (int i = 0; i < members.size(); i++) {
      MemberStatus status = members.get(i);
      Member m = status.member();
      boolean live = status.liveness() == Liveness.SELF || status.liveness() == Liveness.LIVE;
      out.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
          "{\"nodeId\":%d,\"region\":\"%s\",\"zone\":\"%s\",\"storeId\":\"%s\",\"epoch\":%d,\"live\":%b,"
              + "\"liveness\":\"%s\",\"endedEpoch\":%d,\"heardAgoMillis\":%d,\"clusterAddress\":\"%s\","
              + "\"sqlAddress\":\"%s\",\"adminAddress\":\"%s\"}",
          m.nodeId().value(), m.region(), m.zone(), m.storeId(), m.epoch(), live,
          status.liveness().name().toLowerCase(Locale.ROOT), status.endedEpoch(),
          status.heardAgoMicros() < 0 ? -1 : status.heardAgoMicros() / 1000, Json.escape(m.addresses().cluster()),
          Json.escape(m.addresses().sql()), Json.escape(m.addresses().admin())));
    }
    return out.append("]}\n").toString();
  }

  /** {@code waiting for init}, {@code rejoining}, {@code member}. */
  public static String phaseName(ClusterCore.Phase phase) {
    return phase.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** Appends the cluster metrics (Prometheus text format). */
  public void appendMetrics(StringBuilder out) {
    long live = 0;
    long dead = 0;
    long unknown = 0;
    for (MemberStatus status : members()) {
      switch (status.liveness()) {
        case SELF, LIVE -> live++;
        case DEAD -> dead++;
        case UNKNOWN -> unknown++;
      }
    }
    out.append("# HELP meridian_cluster_nodes Registered nodes by liveness, as this node sees them (itself is live).\n")
        .append("# TYPE meridian_cluster_nodes gauge\n")
        .append("meridian_cluster_nodes{liveness=\"live\"} ").append(live).append('\n')
        .append("meridian_cluster_nodes{liveness=\"dead\"} ").append(dead).append('\n')
        .append("meridian_cluster_nodes{liveness=\"unknown\"} ").append(unknown).append('\n');
    NodeMetrics.gauge(out, "meridian_node_epoch",
        "This node's epoch (one more on every restart and every return from dead).", epoch);
    NodeMetrics.counter(out, "meridian_cluster_heartbeats_sent_total", "Heartbeats sent to peers.", heartbeatsSent.sum());
    NodeMetrics.counter(out, "meridian_cluster_heartbeat_failures_total", "Heartbeats that got no answer (unreachable, timed out).",
        heartbeatFailures.sum());
    NodeMetrics.counter(out, "meridian_cluster_join_requests_total", "Join requests sent to join targets.", joinRequestsSent.sum());
    NodeMetrics.counter(out, "meridian_cluster_registry_conflicts_total",
        "Peer records that claimed a registered node id for another data directory (two members accepted one id"
            + " from two directories; the first registration is kept).", ask(core::registryConflicts));
  }

  // ---- the loop ----

  private long nowMicros() {
    return (System.nanoTime() - startNanos) / 1000;
  }

  private void tick() {
    guarded("a tick", () -> {
      if (!halted) {
        carryOut(core.tick(nowMicros()));
      }
    });
  }

  /**
   * Runs a task on the loop. An exception (a malformed answer from a peer) is logged and the loop
   * goes on. An {@link Error} (a broken invariant of the core, or a failure the driver did not
   * expect) halts the loop: the core may now be ahead of what is on disk, and a broken invariant is
   * a bug, never something to log and continue past. Without this, an Error would end the periodic
   * tick silently (a scheduled task that throws is never run again) or leave a request unanswered.
   */
  private void guarded(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the cluster loop failed " + what, e);
    } catch (Error e) {
      LOG.log(Level.SEVERE, "the cluster loop broke on " + what, e);
      halt(what + " broke: " + e);
    }
  }

  private void carryOut(Ready ready) {
    if (halted) {
      return;
    }
    if (ready.adoptClusterId().isPresent()) {
      String id = ready.adoptClusterId().get();
      try {
        sink.adopt(id);
      } catch (Exception e) {
        halt("cannot record cluster id " + id + " in the node identity: " + e.getMessage());
        return;
      }
      LOG.info("joined cluster " + id);
      clusterIdKnown.complete(id);
    }
    if (ready.persistEpoch().isPresent()) {
      try {
        incarnation.raiseEpoch(ready.persistEpoch().getAsLong());
        epoch = incarnation.epoch();
      } catch (IOException | RuntimeException e) {
        halt("cannot persist epoch " + ready.persistEpoch().getAsLong() + ": " + e.getMessage());
        return;
      }
    }
    phase = core.phase();
    if (phase == ClusterCore.Phase.MEMBER && !options.joinTargets().isEmpty()) {
      registered.complete(null);
    }
    for (ClusterCore.LivenessChange change : ready.changes()) {
      LOG.info("liveness: " + change.node() + " " + change.from().name().toLowerCase(Locale.ROOT) + " -> "
          + change.to().name().toLowerCase(Locale.ROOT) + " at epoch " + change.epoch() + " (" + change.why() + ")");
    }
    for (String warning : ready.warnings()) {
      warn(warning);
    }
    if (ready.refusal().isPresent()) {
      String reason = ready.refusal().get();
      refusal = reason;
      LOG.severe("refused by the cluster: " + reason);
      RefusedException refused = new RefusedException(reason);
      clusterIdKnown.completeExceptionally(refused);
      registered.completeExceptionally(refused);
      halted = true;
      refusedFor.complete(reason);
      return;
    }
    ready.join().ifPresent(this::sendJoin);
    for (ClusterCore.OutgoingHeartbeat heartbeat : ready.heartbeats()) {
      sendHeartbeat(heartbeat);
    }
    if (ready.persistMembers().isPresent()) {
      try {
        MembersFile.write(options.dataDir(), ready.persistMembers().get());
      } catch (IOException e) {
        warn("cannot keep the cluster registry in " + options.dataDir() + ": " + e.getMessage()
            + " (a restart will rejoin through --join)");
      }
      for (String address : staleChannels(channels.keySet(), ready.persistMembers().get(), options.joinTargets())) {
        channels.remove(address).shutdown();
      }
    }
  }

  /**
   * The open channels' addresses that neither a registered member nor a join target has any more
   * (a peer restarted on another port and its record moved on): closed when the registry changes,
   * so the channels stay as many as the addresses in use rather than every address ever seen.
   */
  static List<String> staleChannels(Set<String> open, List<Member> members, List<String> joinTargets) {
    Set<String> inUse = new HashSet<>(joinTargets);
    for (Member member : members) {
      inUse.add(member.addresses().cluster());
    }
    return open.stream().filter(address -> !inUse.contains(address)).sorted().toList();
  }

  private void halt(String why) {
    LOG.severe("the cluster loop stops: " + why);
    refusal = why;
    halted = true;
    IllegalStateException failure = new IllegalStateException(why);
    clusterIdKnown.completeExceptionally(failure);
    registered.completeExceptionally(failure);
  }

  private void warn(String warning) {
    long now = System.nanoTime();
    if (!warning.equals(lastWarning) || now - lastWarningNanos > WARNING_REPEAT.toNanos()) {
      LOG.warning(warning);
      lastWarning = warning;
      lastWarningNanos = now;
    }
  }

  private void sendJoin(Messages.JoinRequest request) {
    JoinRequestMsg msg = FormationWire.toProto(request);
    for (String target : options.joinTargets()) {
      if (target.equals(clusterAddress)) {
        continue;
      }
      joinRequestsSent.increment();
      ListenableFuture<JoinReply> reply = stub(target).join(msg);
      reply.addListener(() -> {
        JoinReply answer;
        try {
          answer = reply.get();
        } catch (InterruptedException | ExecutionException e) {
          LOG.fine(() -> "join target " + target + " did not answer: " + e.getMessage());
          return;
        }
        guarded("a join answer from " + target,
            () -> carryOut(core.onJoinAnswer(FormationWire.fromProto(answer), nowMicros())));
      }, loop);
    }
  }

  private void sendHeartbeat(ClusterCore.OutgoingHeartbeat heartbeat) {
    HeartbeatMsg msg = FormationWire.toProto(heartbeat.heartbeat());
    NodeId to = heartbeat.to().nodeId();
    heartbeatsSent.increment();
    ListenableFuture<HeartbeatReply> reply = stub(heartbeat.to().addresses().cluster()).heartbeat(msg);
    reply.addListener(() -> {
      HeartbeatReply answer;
      try {
        answer = reply.get();
      } catch (InterruptedException | ExecutionException e) {
        heartbeatFailures.increment();
        return;
      }
      guarded("a heartbeat answer from " + to,
          () -> carryOut(core.onHeartbeatAnswer(to, FormationWire.fromProto(answer), nowMicros())));
    }, loop);
  }

  private FormationGrpc.FormationFutureStub stub(String target) {
    ManagedChannel channel = channels.computeIfAbsent(target,
        address -> NettyChannelBuilder.forTarget(address).usePlaintext().build());
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      // gRPC backs off redials up to two minutes; a peer that comes back must be heard within a
      // heartbeat or two, and one dial per interval to a dead peer costs nothing.
      channel.resetConnectBackoff();
    }
    return FormationGrpc.newFutureStub(channel).withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onLoop(Runnable task) {
    try {
      loop.execute(() -> guarded("a task", task));
    } catch (RejectedExecutionException closing) {
      // Stopping: nothing to do.
    }
  }

  /** The cluster endpoint: each call hands over to the loop and answers from there. */
  private final class Service extends FormationGrpc.FormationImplBase {
    @Override
    public void init(InitRequest request, StreamObserver<InitReply> answer) {
      serve(answer, () -> {
        Messages.InitAnswer result = core.init(newClusterId.get().toString(), nowMicros());
        if (result instanceof Messages.Initialized initialized) {
          try {
            sink.adopt(initialized.clusterId());
            sink.founded(initialized.clusterId(), initialized.founders());
          } catch (Exception e) {
            halt("cannot record cluster id " + initialized.clusterId() + " in the node identity: " + e.getMessage());
            throw e;
          }
          LOG.info("initialized cluster " + initialized.clusterId() + " with founders "
              + initialized.founders().stream().map(m -> m.nodeId().toString()).toList());
          clusterIdKnown.complete(initialized.clusterId());
          phase = core.phase();
        }
        return FormationWire.toProto(result);
      });
    }

    @Override
    public void join(JoinRequestMsg request, StreamObserver<JoinReply> answer) {
      serve(answer, () -> {
        Messages.JoinAnswer result = core.onJoin(FormationWire.fromProto(request), nowMicros());
        if (result instanceof Messages.JoinRefused refused) {
          warn("refused a join of n" + request.getJoiner().getNodeId() + ": " + refused.reason());
        }
        return FormationWire.toProto(result);
      });
    }

    @Override
    public void heartbeat(HeartbeatMsg request, StreamObserver<HeartbeatReply> answer) {
      serve(answer, () -> {
        // Liveness changes the heartbeat made come out with the next tick's Ready.
        return FormationWire.toProto(core.onHeartbeat(FormationWire.fromProto(request), nowMicros()));
      });
    }
  }

  @FunctionalInterface
  private interface Handler<T> {
    T handle() throws Exception;
  }

  private <T> void serve(StreamObserver<T> answer, Handler<T> handler) {
    try {
      loop.execute(() -> {
        if (core == null || halted) {
          answer.onError(Status.UNAVAILABLE.withDescription(core == null ? "starting" : "stopped: " + refusal)
              .asRuntimeException());
          return;
        }
        T result;
        try {
          result = handler.handle();
        } catch (IllegalArgumentException e) {
          answer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
          return;
        } catch (Exception e) {
          LOG.log(Level.WARNING, "a cluster request failed", e);
          answer.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
          return;
        } catch (Error e) {
          // As guarded(): the request may have moved the core past the disk (an init whose cluster
          // id could not be recorded), so the node stops answering rather than act on it.
          LOG.log(Level.SEVERE, "the cluster loop broke on a request", e);
          halt("a request broke: " + e);
          answer.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
          return;
        }
        answer.onNext(result);
        answer.onCompleted();
      });
    } catch (RejectedExecutionException closing) {
      answer.onError(Status.UNAVAILABLE.withDescription("stopping").asRuntimeException());
    }
  }

  static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Stops heartbeating (peers will declare this node dead), closes the endpoint and the channels. */
  @Override
  public void close() {
    List<ManagedChannel> open = new ArrayList<>();
    try {
      loop.submit(() -> {
        halted = true;
        open.addAll(channels.values());
      }).get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      LOG.log(Level.WARNING, "stopping the cluster loop failed", e);
    }
    loop.shutdownNow();
    if (server != null) {
      server.shutdownNow();
    }
    for (ManagedChannel channel : open) {
      channel.shutdownNow();
    }
  }
}
