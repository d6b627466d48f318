package dev.meridian.server;

import dev.meridian.paxos.codec.CodecException;
import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.driver.RocksPaxosStorage;
import dev.meridian.paxos.replica.Options;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.real.EventLoop;
import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.runtime.rpc.Codec;
import dev.meridian.runtime.rpc.Envelope;
import dev.meridian.runtime.rpc.Reply;
import dev.meridian.runtime.rpc.RequestType;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.runtime.rpc.RpcLimits;
import dev.meridian.server.admin.ClusterView;
import dev.meridian.server.cluster.ClusterNode;
import dev.meridian.server.replication.PaxosWire;
import dev.meridian.server.transport.NodeTransport;
import dev.meridian.server.transport.TransportOptions;
import dev.meridian.sql.exec.SqlEngine;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.rocks.RocksMvccEngine;
import dev.meridian.storage.rocks.RocksRangeStore;
import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.TxnLimits;
import dev.meridian.txn.cluster.ClusterCore.MemberStatus;
import dev.meridian.txn.coordinator.CoordinatorLimits;
import dev.meridian.txn.directory.ClusterKeySpace;
import dev.meridian.txn.directory.DirectoryLimits;
import dev.meridian.txn.directory.MetaLayout;
import dev.meridian.txn.directory.MetaLookups;
import dev.meridian.txn.directory.RangeCache;
import dev.meridian.txn.directory.ShowRanges;
import dev.meridian.txn.gateway.Gateway;
import dev.meridian.txn.gateway.GatewayLimits;
import dev.meridian.txn.gateway.GatewayTxnClient;
import dev.meridian.txn.gateway.RangeSplitter;
import dev.meridian.txn.host.DirectoryRepair;
import dev.meridian.txn.host.FollowerReadLimits;
import dev.meridian.txn.host.RangeServer;
import dev.meridian.txn.host.StuckPrepares;
import dev.meridian.txn.leaseholder.LeaseholderLimits;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.wire.RpcFollowerReadChannel;
import dev.meridian.txn.wire.RpcRangeChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The data node of a cluster ({@code meridian start --port}): this node's replicas of the cluster's
 * ranges, each a Paxos group, and the gateway through which its SQL engine reaches every range —
 * the same code {@code sim txn} runs on simulated networks, disks and clocks, here on real ones.
 *
 * <ul>
 *   <li>Storage: one RocksDB under {@code DIR/}{@value #STORE_DIR} for the Paxos state of every group ({@link
 *       RocksPaxosStorage}, synced, group-committed) and the MVCC data and range locals of every range
 *       ({@link RocksRangeStore}, applied unsynced after the log is durable).
 *   <li>Network: the {@link NodeTransport}'s service on the node's cluster endpoint ({@code --port},
 *       beside {@code Formation}); peers are the cluster's members, refreshed every {@value
 *       #PEER_REFRESH_MILLIS} ms. A payload's first byte says whose it is: {@code 0x01}/{@code 0x02}
 *       Paxos ({@link PaxosWire}), {@code 0x03} one runtime {@link Envelope} of the range layer's
 *       {@link Rpc} endpoint (requests and answers of {@code wire.RangeRequests}, closed timestamps,
 *       {@code bootstrap-voters}).
 *   <li>Threads: one event loop, {@code range-loop}, runs the Paxos driver, the RPC endpoint, the
 *       range server, the gateway and the coordinator; storage reads and validations run on {@value
 *       #STORAGE_THREADS} {@code range-storage} threads and post back. SQL runs on the caller's
 *       (Jetty's) threads and blocks on the gateway's futures. A task of the loop that throws, or a
 *       failed synced write, halts the process (exit 70): it can no longer vouch for its state, and
 *       its supervisor restarts it from its disk.
 *   <li>Bootstrap: the bootstrap ranges' voters ({@link BootstrapVoters}) are written by the node
 *       {@code meridian init} reached before it answered; any other node asks its peers for them
 *       (request type {@code bootstrap-voters}) before it serves. A voter hosts the three bootstrap
 *       ranges (the meta range with the bootstrap layout's entries, the same on every voter), and on
 *       every start also every range its store holds (those splits created here).
 * </ul>
 *
 * Not yet here: version GC of the ranges (the horizon is never raised, so old versions stay on
 * disk), moving replicas (M8: a node beyond the bootstrap voters is a gateway only), and the clock
 * masters of DESIGN §4 (each node trusts its own clock within its configured or measured bound).
 */
public final class RangeNode implements DataNode {

  private static final Logger LOG = Logger.getLogger(RangeNode.class.getName());

  /**
   * The RocksDB directory under the data directory; not a single node's {@code rocksdb}, whose one
   * local range lays keys out otherwise ({@link NodeServer} refuses to start either as the other).
   */
  static final String STORE_DIR = "ranges";
  static final long PEER_REFRESH_MILLIS = 1_000;
  private static final int STORAGE_THREADS = 2;
  /** Payload tag of a range-layer {@link Envelope}, beside {@link PaxosWire}'s 0x01 and 0x02. */
  private static final byte RPC_ENVELOPE = 0x03;
  private static final long VOTERS_ASK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final long VOTERS_RETRY_MILLIS = 500;
  private static final long VOTERS_LOG_EVERY_MILLIS = 10_000;
  private static final int DIRECTORY_WAIT_SECONDS = 15;
  private static final int DIRECTORY_VIEW_SECONDS = 5;

  /**
   * Paxos replicas: ticks of 100 ms, elections after 1–2 s, heartbeats every 200 ms, leases of 4 s.
   * A killed leaseholder's ranges serve again once its lease has run out (DESIGN §5's rule: nobody
   * leads inside another's lease), so the lease bounds unavailability after a crash; 4 s is far
   * above the clock bound (tens of ms) and the heartbeat, which renews it every 200 ms.
   */
  static final Options PAXOS = new Options(10, 2, 4_000_000, 64, 1024, 256);

  /**
   * The gateway's routing bounds on real nodes: a request is retried across redirects for about 6 s
   * (20 tries, backoff doubling from 1 ms to at most 500 ms), which spans a dead leaseholder's lease
   * running out (4 s) and the election after it, so a statement waits through a failover instead of
   * failing while it happens. The simulator's elections take ~100 ms; real ones 1–2 s.
   */
  static final GatewayLimits GATEWAY = new GatewayLimits(GatewayLimits.defaults().requestTimeoutNanos(), 20,
      TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(500), GatewayLimits.defaults().scan());

  /** The one request of this class: the bootstrap voters' file text, or empty where it is not known yet. */
  static final RequestType<byte[], byte[]> BOOTSTRAP_VOTERS =
      RequestType.once(140, "bootstrap-voters", Codec.BYTES, Codec.BYTES);

  private final NodeIdentity identity;
  private final ClusterNode cluster;
  private final EventLoop loop;
  private final ExecutorService storageThreads;
  private final ScheduledExecutorService peerRefresh;
  private final RocksMvccEngine engine;
  private final RocksRangeStore store;
  private final NodeTransport transport;
  private final Rpc rpc;
  private final PaxosDriver driver;
  private final RangeServer server;
  private final Gateway gateway;
  private final GatewayTxnClient client;
  private final StuckPrepares recovery;
  private final DirectoryRepair directoryRepair;
  private final SqlEngine sqlEngine;
  private final CleanupDaemon cleanup;
  private final AtomicLong malformedPayloads = new AtomicLong();
  /** The cluster address each peer was last set to ({@link #refreshPeers}). */
  private final Map<NodeId, String> peerAddresses = new java.util.concurrent.ConcurrentHashMap<>();
  /** The voters once known; {@code bootstrap-voters} answers from it. */
  private volatile List<ReplicaDescriptor> voters;

  /**
   * Opens the node's store, joins the range layer to its peers, learns the bootstrap voters (waiting
   * for a peer to tell them, if this directory has none yet), hosts this node's replicas and starts
   * the SQL engine over the gateway.
   *
   * @param maxEpsilonMicros the cluster's clock bound (every node's {@code --max-epsilon}: a node
   *     fences itself beyond it)
   * @param commitWaits hears each commit wait of this node's leaseholders, in nanoseconds (the
   *     node's metric)
   */
  RangeNode(Path dataDir, NodeIdentity identity, ClusterNode cluster, TrueTime trueTime, long maxEpsilonMicros,
      LongConsumer commitWaits) throws Exception {
    this.identity = identity;
    this.cluster = cluster;
    NodeId self = new NodeId(identity.nodeId());
    this.loop = new EventLoop("range-loop", RangeNode::halt);
    this.storageThreads = Executors.newFixedThreadPool(STORAGE_THREADS, new NamedThreadFactory("range-storage"));
    this.peerRefresh = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("range-peers"));
    RocksMvccEngine openedEngine = null;
    NodeTransport attached = null;
    try {
      openedEngine = RocksMvccEngine.open(dataDir.resolve(STORE_DIR), RocksMvccEngine.Options.defaults(),
          new NamedThreadFactory("rocks-sync"));
      this.engine = openedEngine;
      this.store = new RocksRangeStore(openedEngine);
      this.rpc = new Rpc(self, this::route, loop, RandomSource.seeded(System.nanoTime()), RpcLimits.defaults());
      attached = NodeTransport.attach(self, identity.clusterId().toString(), cluster::addService,
          TransportOptions.defaults(), Runnable::run, this::onPayload);
      this.transport = attached;
      RocksPaxosStorage paxosStorage = new RocksPaxosStorage(openedEngine);
      NodeTransport sends = attached;
      this.driver = new PaxosDriver(self, loop, trueTime, paxosStorage,
          PaxosWire.network((to, payload) -> sendOrDrop(sends, to, payload)), RandomSource.seeded(System.nanoTime()),
          new PaxosDriver.Config(TimeUnit.MILLISECONDS.toNanos(100), 10_000, 10_000, TimeUnit.MILLISECONDS.toNanos(5)),
          RangeNode::halt);
      PaxosDriver.SnapshotLimits snapshots = PaxosDriver.SnapshotLimits.defaults();
      RangeServer.Config config = new RangeServer.Config(PAXOS, LeaseholderLimits.defaults(), snapshots.chunkBytes(),
          2 * maxEpsilonMicros);
      this.server = onLoop(() -> {
        RangeServer created = new RangeServer(self, rpc, driver, store, loop, trueTime, storageThreads, config,
            FollowerReadLimits.defaults());
        created.onCommitWait(commitWaits);
        return created;
      });
      this.voters = BootstrapVoters.read(dataDir).orElse(null);
      onLoop(() -> {
        rpc.register(BOOTSTRAP_VOTERS, (ignored, responder) -> {
          List<ReplicaDescriptor> known = voters;
          responder.ok(known == null ? new byte[0] : BootstrapVoters.encode(known).getBytes(StandardCharsets.UTF_8));
        });
        return null;
      });
      refreshPeers();
      peerRefresh.scheduleWithFixedDelay(this::refreshPeers, PEER_REFRESH_MILLIS, PEER_REFRESH_MILLIS,
          TimeUnit.MILLISECONDS);
      if (voters == null) {
        voters = askForVoters();
        BootstrapVoters.write(dataDir, voters);
      }
      List<RangeDescriptor> layout = ClusterKeySpace.bootstrap(voters);
      RangeDescriptor meta = layout.getFirst();
      RangeCache cache = new RangeCache(meta, DirectoryLimits.defaults());
      this.gateway = new Gateway(cache, new MetaLookups(cache, DirectoryLimits.defaults()),
          new RpcRangeChannel(rpc, loop), new RpcFollowerReadChannel(rpc, loop), identity.region(), loop, trueTime,
          GATEWAY);
      this.client = new GatewayTxnClient(identity.nodeId(), gateway, TxnLimits.defaults(), CoordinatorLimits.defaults());
      this.recovery = new StuckPrepares(server, gateway, loop, trueTime, CoordinatorLimits.defaults(),
          TimeUnit.SECONDS.toMicros(5), TimeUnit.SECONDS.toNanos(1));
      this.directoryRepair = new DirectoryRepair(server, RangeSplitter.forCluster(client, gateway), loop,
          TimeUnit.SECONDS.toNanos(5));
      List<RangeId> hosted = hostReplicas(self, layout);
      LOG.info("node " + self + " hosts " + (hosted.isEmpty() ? "no range (a gateway: the bootstrap voters are "
          + voters.stream().map(v -> v.node().toString()).toList() + ")" : "ranges " + hosted));
      awaitDirectory(self);
      this.sqlEngine = new SqlEngine(client);
      this.cleanup = new CleanupDaemon(sqlEngine.cleanup());
      sqlEngine.onCleanupScheduled(cleanup::wake);
      cleanup.start();
    } catch (Exception | Error e) {
      peerRefresh.shutdownNow();
      if (attached != null) {
        attached.close();
      }
      loop.close();
      storageThreads.shutdownNow();
      if (openedEngine != null) {
        openedEngine.close();
      }
      throw e;
    }
  }

  /**
   * Hosts this node's replicas, on the loop: the bootstrap ranges it is a voter of (from slot 0 on
   * a new directory, from its store otherwise), then every other range its store holds.
   */
  private List<RangeId> hostReplicas(NodeId self, List<RangeDescriptor> layout) throws Exception {
    List<CompletableFuture<Void>> started = new ArrayList<>();
    List<RangeId> ids = onLoop(() -> {
      List<RangeId> hosting = new ArrayList<>();
      for (RangeDescriptor range : layout) {
        if (range.replicas().stream().anyMatch(r -> r.node().equals(self))) {
          started.add(server.host(range, range.id().equals(RangeId.META) ? MetaLayout.bootstrapEntries(layout)
              : List.of()));
          hosting.add(range.id());
        }
      }
      for (long stored : store.hostedRanges()) {
        RangeId id = new RangeId(stored);
        if (server.replica(id) == null) {
          started.add(server.hostStored(id));
          hosting.add(id);
        }
      }
      recovery.start();
      directoryRepair.start();
      return hosting;
    });
    CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return ids;
  }

  /**
   * Waits, at most {@value #DIRECTORY_WAIT_SECONDS} s, until a strong read of the system range
   * through the meta range succeeds: a node that serves SQL then finds its ranges at once rather than
   * failing its first statements while the groups elect their first leaseholders. A node that cannot
   * reach them in that time (a majority of the voters is down) serves anyway; its statements fail as
   * unavailable (retryable) until the voters are back.
   */
  private void awaitDirectory(NodeId self) throws InterruptedException {
    long startedNanos = System.nanoTime();
    long deadline = startedNanos + TimeUnit.SECONDS.toNanos(DIRECTORY_WAIT_SECONDS);
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        client.beginReadOnly(TimestampBound.strong()).get(ClusterKeySpace.nextRangeIdKey()).get(5, TimeUnit.SECONDS);
        LOG.info("node " + self + " reaches the directory (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
            - startedNanos) + " ms after its replicas started)");
        return;
      } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
        last = e.getCause() != null ? e.getCause() : e;
        Thread.sleep(200);
      }
    }
    LOG.warning("node " + self + " cannot reach the meta and system ranges after " + DIRECTORY_WAIT_SECONDS
        + " s (" + last + "); serving anyway: statements fail until a majority of their voters is up");
  }

  /**
   * Asks the members in turn for the bootstrap voters until one knows them: a node that joined a
   * cluster after its init, or a founder that was not the node init reached.
   */
  private List<ReplicaDescriptor> askForVoters() throws InterruptedException {
    long startedNanos = System.nanoTime();
    long loggedNanos = startedNanos;
    int turn = 0;
    while (true) {
      List<NodeId> peers = peerIds();
      if (!peers.isEmpty()) {
        NodeId peer = peers.get(turn++ % peers.size());
        Optional<List<ReplicaDescriptor>> answer = askVoters(peer);
        if (answer.isPresent()) {
          LOG.info("learned the bootstrap voters " + answer.get().stream().map(v -> v.node().toString()).toList()
              + " from " + peer);
          return answer.get();
        }
      }
      if (System.nanoTime() - loggedNanos > TimeUnit.MILLISECONDS.toNanos(VOTERS_LOG_EVERY_MILLIS)) {
        loggedNanos = System.nanoTime();
        LOG.info("still asking the members " + peers + " for the bootstrap ranges' voters ("
            + TimeUnit.NANOSECONDS.toSeconds(loggedNanos - startedNanos) + " s)");
      }
      Thread.sleep(VOTERS_RETRY_MILLIS);
    }
  }

  private Optional<List<ReplicaDescriptor>> askVoters(NodeId peer) throws InterruptedException {
    CompletableFuture<Reply<byte[]>> reply = new CompletableFuture<>();
    loop.execute(() -> rpc.call(peer, BOOTSTRAP_VOTERS, new byte[0], VOTERS_ASK_TIMEOUT_NANOS, reply::complete));
    try {
      if (reply.get(VOTERS_ASK_TIMEOUT_NANOS * 2, TimeUnit.NANOSECONDS) instanceof Reply.Ok<byte[]> ok
          && ok.value().length > 0) {
        return Optional.of(BootstrapVoters.decode(new String(ok.value(), StandardCharsets.UTF_8)));
      }
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      LOG.log(Level.FINE, "asking " + peer + " for the bootstrap voters failed", e);
    }
    return Optional.empty();
  }

  private List<NodeId> peerIds() {
    List<NodeId> peers = new ArrayList<>();
    for (MemberStatus status : cluster.members()) {
      NodeId id = status.member().nodeId();
      if (id.value() != identity.nodeId() && !status.member().addresses().cluster().isEmpty()) {
        peers.add(id);
      }
    }
    return peers;
  }

  /**
   * Points the transport at every member's cluster endpoint (new members, moved ones); an address
   * seen before is not resolved again. Called once at start, then every second on {@code range-peers}.
   */
  private void refreshPeers() {
    try {
      for (MemberStatus status : cluster.members()) {
        NodeId id = status.member().nodeId();
        String address = status.member().addresses().cluster();
        if (id.value() == identity.nodeId() || address.isEmpty() || address.equals(peerAddresses.get(id))) {
          continue;
        }
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        transport.setPeer(id, new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))));
        peerAddresses.put(id, address);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "refreshing the range layer's peers failed", e);
    }
  }

  /** The RPC endpoint's sink: an envelope for this node goes straight back to it; others as tag 0x03 payloads. */
  private void route(NodeId to, Envelope envelope) {
    if (to.value() == identity.nodeId()) {
      loop.execute(() -> rpc.receive(envelope));
      return;
    }
    byte[] body = envelope.encode();
    byte[] payload = new byte[body.length + 1];
    payload[0] = RPC_ENVELOPE;
    System.arraycopy(body, 0, payload, 1, body.length);
    sendOrDrop(transport, to, payload);
  }

  /** A payload from {@code from}, on the transport's inbound thread. */
  private void onPayload(NodeId from, byte[] payload) {
    try {
      if (payload.length > 0 && payload[0] == RPC_ENVELOPE) {
        Envelope envelope = Envelope.decode(java.nio.ByteBuffer.wrap(payload, 1, payload.length - 1));
        if (!envelope.from().equals(from) || envelope.to().value() != identity.nodeId()) {
          throw new Envelope.MalformedException("an envelope from " + envelope.from() + " to " + envelope.to()
              + " came over the stream of " + from);
        }
        long arrived = System.nanoTime();
        loop.execute(() -> rpc.receive(envelope, arrived));
      } else if (driver != null) {
        PaxosWire.deliver(driver, from, payload);
      } // else still starting (the transport is attached before the driver exists): peers resend.
    } catch (Envelope.MalformedException | CodecException e) {
      malformedPayloads.incrementAndGet();
      LOG.warning("dropped a malformed payload from " + from + ": " + e.getMessage());
    }
  }

  /** The transport refuses a payload over its size limit; the protocols tolerate the loss. */
  private static void sendOrDrop(NodeTransport transport, NodeId to, byte[] payload) {
    try {
      transport.send(to, payload);
    } catch (IllegalArgumentException tooLarge) {
      LOG.warning("dropped a " + payload.length + "-byte message to " + to + ": " + tooLarge.getMessage());
    }
  }

  private <T> T onLoop(java.util.concurrent.Callable<T> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        done.complete(work.call());
      } catch (Exception | Error e) {
        done.completeExceptionally(e);
      }
    });
    try {
      return done.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** See the class comment: the loop failed a task, or a synced write failed. */
  private static void halt(Throwable error) {
    LOG.log(Level.SEVERE, "stopping the node: the range layer cannot go on safely", error);
    NodeLogging.flush();
    Runtime.getRuntime().halt(70);
  }

  @Override
  public NodeIdentity identity() {
    return identity;
  }

  @Override
  public SqlEngine sqlEngine() {
    return sqlEngine;
  }

  /** The transaction client SQL runs on (the gateway's). */
  public GatewayTxnClient client() {
    return client;
  }

  /**
   * The cluster's ranges as the meta range lists them, for the console and {@code meridian status}
   * (keys in hex, each range's leaseholder as this node's gateway last knew it); empty, with a
   * warning in the log, when the meta range does not answer within {@value #DIRECTORY_VIEW_SECONDS} s.
   */
  List<ClusterView.Range> directoryView() {
    List<ShowRanges.RangeRow> rows;
    try {
      rows = client.rangeAdmin().ranges(KeySpan.all()).get(DIRECTORY_VIEW_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      LOG.warning("the meta range did not list the ranges for the console: " + e);
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
    return rows.stream().map(row -> new ClusterView.Range(row.id().value(), HexFormat.of().formatHex(
            row.start().toByteArray()), row.end() == null ? "" : HexFormat.of().formatHex(row.end().toByteArray()),
        row.replicas().stream().map(r -> new ClusterView.Replica(r.node().value(), r.region(),
            r.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))).toList(),
        row.leaseholder() == null ? null : row.leaseholder().value(), null, null)).toList();
  }

  /** Payloads dropped because they could not be decoded. */
  long malformedPayloads() {
    return malformedPayloads.get();
  }

  @Override
  public void close() {
    cleanup.close();
    peerRefresh.shutdownNow();
    try {
      onLoop(() -> {
        recovery.close();
        server.close();
        rpc.close();
        return null;
      });
    } catch (Exception e) {
      LOG.log(Level.WARNING, "stopping the range layer's loop work failed", e);
    }
    driver.close();
    transport.close();
    loop.close();
    storageThreads.shutdownNow();
    store.close();
    engine.close();
  }
}
