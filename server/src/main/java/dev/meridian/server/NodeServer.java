package dev.meridian.server;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.server.admin.AdminServer;
import dev.meridian.server.admin.AdminServer.Response;
import dev.meridian.server.admin.Json;
import dev.meridian.server.admin.BuildInfo;
import dev.meridian.server.admin.ClusterView;
import dev.meridian.server.admin.NodeMetrics;
import dev.meridian.server.admin.PeerClusterView;
import dev.meridian.server.cluster.ClusterNode;
import dev.meridian.server.cluster.NodeIncarnation;
import dev.meridian.server.sql.ErrorBoundaryHandler;
import dev.meridian.server.sql.MeridianMeta;
import dev.meridian.server.time.ClockOptions;
import dev.meridian.server.time.NodeClock;
import dev.meridian.storage.rocks.RocksMvccEngine;
import dev.meridian.truetime.SyncedTrueTime;
import dev.meridian.txn.cluster.ClusterCore;
import dev.meridian.txn.cluster.Member;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.range.RangeLeader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.server.AvaticaProtobufHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A running node ({@code meridian start}): its {@link ClusterNode} (membership and liveness), its
 * {@link DataNode} (with {@code --port} a {@link RangeNode}: replicas of the cluster's ranges and a
 * gateway to all of them; without, a {@link LocalNode}: one local range), the SQL endpoint and the
 * admin endpoint.
 *
 * <ul>
 *   <li>Cluster: with {@code --port}, the cluster endpoint that {@code meridian init}, joining nodes
 *       and heartbeats reach. A new data directory with {@code --join} has no cluster id yet: the
 *       node starts its cluster endpoint and admin endpoint ({@code /health} answers 503 {@code
 *       waiting for init}), prints a line saying it waits, and blocks until an init or a join
 *       target gives it a cluster id, which it stores in its {@link NodeIdentity}; only then does it
 *       open RocksDB and serve SQL. A directory with an identity serves at once (with {@code
 *       --join} after a join target registered it again, or {@value #REJOIN_WAIT_SECONDS} s without
 *       an answer); one a join target refuses (another cluster's directory, a node id taken) does
 *       not start, and one refused only after that wait, while it serves, stops: both exit with
 *       {@link ClusterNode.RefusedException#EXIT_CODE}. Without {@code --join} a node is a single-node cluster that initialized itself,
 *       as before clusters existed. {@code /nodes} shows the members and their liveness.
 *   <li>SQL: Avatica's protobuf-over-HTTP handler on Jetty, with {@link MeridianMeta} behind it. Its
 *       Jetty thread pool is the node's SQL worker pool: bounded ({@code --sql-workers}) with a
 *       bounded queue, and the only place SQL runs. It blocks on storage futures; the range's event
 *       loop completes them and never runs SQL.
 *   <li>Admin: {@code /health} and {@code /metrics} ({@link AdminServer}), TrueTime's routes, and
 *       the console at {@code /} with its JSON at {@code /api/cluster}: with {@code --port}, every
 *       member of the formation and each one's own local range ({@link MembershipView}); without,
 *       this node and its one range ({@link SingleNodeClusterView}).
 *   <li>TrueTime: a {@link NodeClock} with the node as its own only time master (there is no node
 *       transport here to reach others): its clock within {@code --clock-uncertainty}, or chrony's
 *       measured bound with {@code --time-source chrony}, polled every second. That is the local-clock
 *       trust of before, but through the same fencing (jumps, epsilon), health verdict, metrics and
 *       fault injection as a cluster node; a fenced clock refuses transactions with SQLSTATE 40001
 *       naming the reason, and {@code /health} answers 503.
 *   <li>Logs: {@link NodeLogging}, under DIR. Avatica and Jetty log through slf4j, which has no
 *       binding here and says so once on stderr.
 * </ul>
 *
 * Stops cleanly on SIGTERM or Ctrl-C (a shutdown hook): stops taking requests, rolls back open
 * transactions, closes the node. A SIGKILL loses nothing acknowledged: commits are durable in
 * RocksDB before the client hears of them (unless {@code --plant-bug ack-before-durable}, a test-only
 * flag that, like every {@code --plant-bug}, needs {@code --allow-fault-injection}).
 */
public final class NodeServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(NodeServer.class.getName());

  /** How long start-up waits for the first sync (its own clock, normally a few ms) before serving anyway. */
  private static final Duration CLOCK_START_WAIT = Duration.ofSeconds(5);

  /** What {@code meridian start} takes. */
  record Options(Path dataDir, NodeIdentity.Requested identity, String listen, String advertiseHost,
      Integer clusterPort, List<String> join, int sqlPort, int adminPort,
      int sqlWorkers, int maxConnections, long statementTimeoutMillis, long idleTimeoutMillis, ClockOptions clock,
      Set<RangeLeader.PlantedBug> plantedBugs) {

    static final String USAGE = "usage: meridian start --data-dir DIR [--node-id N] [--region R] [--zone Z] "
        + "[--port P --join HOST:PORT[,...]] [--sql-port 7070] [--admin-port 7072] "
        + "[--listen 127.0.0.1] [--advertise-host H] [--sql-workers 32] [--max-connections 256] "
        + "[--statement-timeout-ms 300000] [--idle-timeout-ms 1800000] [--time-source fixed|chrony] "
        + "[--clock-uncertainty 1ms] [--time-poll 1s] [--max-epsilon 20ms] [--drift-ppm 200] [--allow-fault-injection] "
        + "[--plant-bug skip-read-validation|skip-commit-wait|ack-before-durable[,...]]";

    static Options parse(String[] args) {
      Path dataDir = null;
      Integer nodeId = null;
      String region = null;
      String zone = null;
      String listen = "127.0.0.1";
      String advertiseHost = null;
      Integer clusterPort = null;
      List<String> join = List.of();
      int sqlPort = 7070;
      int adminPort = 7072;
      int workers = 32;
      int maxConnections = 256;
      long statementTimeout = 300_000;
      long idleTimeout = 1_800_000;
      ClockOptions.Builder clock = new ClockOptions.Builder();
      Set<RangeLeader.PlantedBug> plantedBugs = Set.of();
      for (Map.Entry<String, String> option : CommandLine.options(args, ClockOptions.SWITCHES).entrySet()) {
        String flag = option.getKey();
        String value = option.getValue();
        if (flag.equals("--time-masters") || flag.equals("--time-master")) {
          throw new IllegalArgumentException(flag + ": meridian start is a single node without the node transport;"
              + " it is its own time master (its clock within --clock-uncertainty, or chrony's bound)");
        }
        if (clock.accept(flag, value)) {
          continue;
        }
        switch (flag) {
          case "--data-dir" -> dataDir = Path.of(value);
          case "--node-id" -> nodeId = CommandLine.positive(flag, value);
          case "--region" -> region = value;
          case "--zone" -> zone = value;
          case "--listen" -> listen = value;
          case "--advertise-host" -> advertiseHost = advertiseHost(value);
          case "--port" -> clusterPort = CommandLine.port(flag, value);
          case "--join" -> join = joinTargets(value);
          case "--sql-port" -> sqlPort = CommandLine.port(flag, value);
          case "--admin-port" -> adminPort = CommandLine.port(flag, value);
          case "--sql-workers" -> workers = CommandLine.positive(flag, value);
          case "--max-connections" -> maxConnections = CommandLine.positive(flag, value);
          case "--statement-timeout-ms" -> statementTimeout = Long.parseLong(value);
          case "--idle-timeout-ms" -> idleTimeout = CommandLine.positive(flag, value);
          case "--plant-bug" -> plantedBugs = plantedBugs(value);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (dataDir == null) {
        throw new IllegalArgumentException("--data-dir is required");
      }
      if (!join.isEmpty() && clusterPort == null) {
        throw new IllegalArgumentException("--join needs --port: the cluster endpoint other nodes and meridian init"
            + " reach this node at");
      }
      if (advertiseHost == null && isWildcard(listen) && clusterPort != null) {
        // Peers would be told to reach this node at 127.0.0.1, which is themselves.
        throw new IllegalArgumentException("--listen " + listen + " with --port needs --advertise-host: the name or"
            + " address other nodes and clients reach this node at");
      }
      if (advertiseHost == null) {
        advertiseHost = isWildcard(listen) ? "127.0.0.1" : listen;
      }
      ClockOptions clockOptions = clock.build();
      if (!plantedBugs.isEmpty() && !clockOptions.allowFaultInjection()) {
        throw new IllegalArgumentException("--plant-bug makes the node deliberately incorrect and is for testing the"
            + " Jepsen runner only: it is refused unless --allow-fault-injection is also given");
      }
      if (!plantedBugs.isEmpty() && clusterPort != null) {
        throw new IllegalArgumentException("--plant-bug plants bugs in a single node's local range; a cluster node"
            + " (--port) has none to plant (the simulator plants the cluster's: meridian sim txn --bug)");
      }
      return new Options(dataDir, new NodeIdentity.Requested(nodeId, region, zone), listen, advertiseHost, clusterPort,
          join, sqlPort,
          adminPort, workers, maxConnections, statementTimeout, idleTimeout, clockOptions, plantedBugs);
    }

    /** A host name or address without a port, and not a wildcard: what peers are told to dial. */
    static String advertiseHost(String value) {
      String host = value.strip();
      long colons = host.chars().filter(c -> c == ':').count();
      boolean withPort = colons == 1 || host.startsWith("[") && host.contains("]:");
      if (host.isEmpty() || isWildcard(host) || withPort || host.contains("/")
          || host.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("--advertise-host takes the host name or address other nodes reach this"
            + " node at (no port, not a wildcard), not '" + value + "'");
      }
      return host;
    }

    /** The addresses that bind every interface, which no peer can dial. */
    static boolean isWildcard(String host) {
      return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /** {@code host:port,host:port}, each checked for a port. */
    static List<String> joinTargets(String value) {
      List<String> targets = new ArrayList<>();
      for (String part : value.split(",")) {
        String target = part.strip();
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
          throw new IllegalArgumentException("--join takes host:port[,host:port...] (other nodes' --port), not '"
              + target + "'");
        }
        CommandLine.port("--join", target.substring(colon + 1));
        targets.add(target);
      }
      return List.copyOf(targets);
    }

    /** {@code skip-read-validation,ack-before-durable}: the {@link RangeLeader.PlantedBug}s by flag name. */
    static Set<RangeLeader.PlantedBug> plantedBugs(String value) {
      EnumSet<RangeLeader.PlantedBug> bugs = EnumSet.noneOf(RangeLeader.PlantedBug.class);
      for (String name : value.split(",")) {
        String flagName = name.strip();
        RangeLeader.PlantedBug bug = Arrays.stream(RangeLeader.PlantedBug.values())
            .filter(b -> flagName(b).equals(flagName))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("--plant-bug takes skip-read-validation,"
                + " skip-commit-wait or ack-before-durable (comma-separated), not " + flagName));
        bugs.add(bug);
      }
      return Set.copyOf(bugs);
    }
  }

  /** {@code SKIP_COMMIT_WAIT} is {@code skip-commit-wait}. */
  static String flagName(RangeLeader.PlantedBug bug) {
    return bug.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** How long a restarted node with {@code --join} waits for a join target to register it again before serving. */
  private static final int REJOIN_WAIT_SECONDS = 10;
  private static final Duration REJOIN_WAIT = Duration.ofSeconds(REJOIN_WAIT_SECONDS);

  private final long startNanos = System.nanoTime();
  private final Options options;
  private final Consumer<String> refusedWhileServing;
  private final NodeMetrics metrics = new NodeMetrics();
  private final AtomicBoolean closed = new AtomicBoolean();
  // Set in the order the constructor starts them; close() stops whichever exist, in reverse.
  private ClusterNode cluster;
  private NodeClock clock;
  private AdminServer admin;
  private String adminUrl;
  private DataNode node;
  private MeridianMeta meta;
  private Server jetty;
  private ScheduledExecutorService reaper;
  /** Fetches peers' {@code /api/node} for the console; null for a node without a cluster endpoint. */
  private java.net.http.HttpClient peerHttp;
  private String sqlUrl;
  /** The identity written when this node learned its cluster id from an init or a join. */
  private volatile NodeIdentity adoptedIdentity;
  /** Who this node is before it has an identity (a node waiting for init), as /health's JSON fields. */
  private volatile String waitingAs = "";
  /** Set once every endpoint is up; until then /health answers from the cluster's state alone. */
  private volatile boolean serving;

  /**
   * Starts the node; a node that waits for init tells {@code progress} so (a line for stdout, as
   * the serving line is) and blocks here until it has joined a cluster. {@code refusedWhileServing}
   * is called (on the cluster loop) with the reason when a join target refuses this node after it
   * began serving on its stored identity; {@code meridian start} ends the process then.
   */
  NodeServer(Options options, Consumer<String> progress, Consumer<String> refusedWhileServing) throws Exception {
    this.options = options;
    this.refusedWhileServing = refusedWhileServing;
    if (!options.plantedBugs().isEmpty()) {
      LOG.severe("PLANTED BUGS " + plantedBugsText(options.plantedBugs()) + ": this node is deliberately incorrect"
          + " (--plant-bug, for testing the Jepsen runner); never use it for data you want to keep");
    }
    try {
      start(progress);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private void start(Consumer<String> progress) throws Exception {
    Path dataDir = options.dataDir();
    NodeIdentity.Requested requested = options.identity();
    NodeIdentity stored = null;
    if (Files.exists(dataDir.resolve(NodeIdentity.FILE_NAME)) || options.join().isEmpty()) {
      // A directory with an identity keeps it; a new one without --join is a new single-node cluster.
      stored = NodeIdentity.establish(dataDir, requested, UUID::randomUUID);
    } else if (requested.nodeId() == null) {
      throw new IllegalStateException("--join on a new data directory needs --node-id: the id this node will have in"
          + " the cluster (1 to " + NodeIdentity.MAX_NODE_ID + ", one no other node has)");
    }
    int nodeId = stored != null ? stored.nodeId() : requested.nodeId();
    String region = stored != null ? stored.region()
        : requested.region() == null ? NodeIdentity.DEFAULT_REGION : requested.region();
    String zone = stored != null ? stored.zone() : requested.zone() == null ? "" : requested.zone();
    String host = hostForUrl(options.advertiseHost());
    NodeIncarnation incarnation = NodeIncarnation.startRun(dataDir, UUID::randomUUID);
    this.waitingAs = "\"nodeId\":" + nodeId + ",\"region\":\"" + region + "\",\"zone\":\"" + zone + "\"";
    this.cluster = ClusterNode.start(
        new ClusterNode.Options(
            options.clusterPort() == null ? null : new InetSocketAddress(options.listen(), options.clusterPort()),
            options.advertiseHost(), options.join(),
            ClusterCore.Config.defaults(), dataDir),
        new NodeId(nodeId), region, zone, Optional.ofNullable(stored).map(i -> i.clusterId().toString()), incarnation,
        new ClusterNode.ClusterIdSink() {
          @Override
          public void adopt(String clusterId) throws Exception {
            adoptedIdentity = NodeIdentity.establish(dataDir, requested, () -> UUID.fromString(clusterId));
          }

          @Override
          public void founded(String clusterId, List<Member> founders) throws Exception {
            BootstrapVoters.write(dataDir, BootstrapVoters.choose(founders));
          }
        },
        UUID::randomUUID);
    this.clock = new NodeClock(nodeId, options.clock());
    clock.start(null);
    this.admin = AdminServer.withHealth(options.listen(), options.adminPort(), this::health, this::metricsText);
    admin.route("/nodes", (method, uri, body) -> Response.json(200, cluster.nodesJson()));
    clock.registerRoutes(admin);
    this.adminUrl = "http://" + host + ":" + admin.port() + "/";
    NodeIdentity identity;
    if (stored == null) {
      String waiting = "node " + nodeId + " waiting for init: cluster endpoint " + cluster.clusterAddress()
          + " admin at " + adminUrl + " joining " + String.join(",", options.join()) + " (run meridian init --host "
          + cluster.clusterAddress() + ", or on another node)";
      LOG.info(waiting);
      progress.accept(waiting);
      cluster.awaitClusterId(Duration.ofSeconds(10));
      identity = adoptedIdentity;
    } else {
      identity = stored;
      if (!options.join().isEmpty() && !cluster.awaitRegistered(REJOIN_WAIT)) {
        LOG.warning("no join target (" + String.join(",", options.join()) + ") answered within " + REJOIN_WAIT
            + "; serving with the stored identity and asking again in the background");
      }
    }
    LOG.info("node " + identity.nodeId() + " of cluster " + identity.clusterId() + " in region " + identity.region()
        + (identity.zone().isEmpty() ? "" : ", zone " + identity.zone()) + ", epoch " + cluster.epoch());
    // A refusal that comes after the rejoin wait (this node's directory or id does not fit the
    // cluster its join targets are) ends the process with a code of its own, as a crash would, rather
    // than leave a node that answers /health but no SQL. Registered before the data node starts: a
    // cluster node waiting for its peers (the bootstrap voters) must end as surely as one serving.
    cluster.whenRefused(reason -> {
      LOG.severe("refused by the cluster after start: " + reason + ". This node stops (exit "
          + ClusterNode.RefusedException.EXIT_CODE + ")");
      refusedWhileServing.accept(reason);
    });
    requireDataLayout(dataDir, options, identity);
    this.node = options.clusterPort() != null
        ? new RangeNode(dataDir, identity, cluster, clock.trueTime(), options.clock().maxEpsilonMicros(),
            metrics::commitWait)
        : new LocalNode(dataDir, identity, RocksMvccEngine.Options.defaults(), clock.trueTime(),
            options.plantedBugs(), metrics::commitWait);
    if (!clock.awaitTrusted(CLOCK_START_WAIT)) {
      LOG.warning("TrueTime is not trusted yet (" + clock.state().detail() + "); transactions are refused until"
          + " it is");
    }
    this.meta = new MeridianMeta(node.sqlEngine(),
        new MeridianMeta.Limits(options.maxConnections(), 1024, options.idleTimeoutMillis(),
            options.statementTimeoutMillis(), 10_000),
        System::nanoTime, metrics);
    this.jetty = startSqlEndpoint(options, meta, metrics);
    int sqlPort = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    this.reaper = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("session-reaper"));
    long sweepMillis = Math.max(1_000, Math.min(60_000, options.idleTimeoutMillis() / 4));
    reaper.scheduleWithFixedDelay(this::expireIdleSessions, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    this.sqlUrl = "jdbc:meridian://" + host + ":" + sqlPort;
    admin.serveConsole(clusterView(identity), this::self);
    cluster.serving(host + ":" + sqlPort, host + ":" + admin.port());
    serving = true;
  }

  /**
   * A directory holds one of two data layouts for good: a single-node directory's one local range
   * (started without {@code --port}), or a cluster node's replicated ranges ({@link RangeNode},
   * its {@code ranges/} and {@link BootstrapVoters} file). Starting it as the other would read keys laid out
   * for the other, so it is refused, naming both. A new directory of a cluster node without {@code
   * --join} founds a single-node cluster: it is the one voter of the bootstrap ranges.
   */
  private static void requireDataLayout(Path dataDir, Options options, NodeIdentity identity) throws IOException {
    boolean replicated = Files.exists(dataDir.resolve(BootstrapVoters.FILE_NAME))
        || Files.exists(dataDir.resolve(RangeNode.STORE_DIR));
    boolean local = Files.exists(dataDir.resolve(LocalNode.STORE_DIR));
    if (options.clusterPort() == null) {
      if (replicated) {
        throw new DataLayoutException(dataDir + " holds a cluster node's replicated ranges (" + RangeNode.STORE_DIR
            + "/), but this node was started without --port, as a single node with one local range: start it with"
            + " --port (and --join) as the cluster node it is");
      }
      return;
    }
    if (local) {
      throw new DataLayoutException(dataDir + " holds a single node's one local range (rocksdb/: it was started"
          + " without --port), but this node was started with --port " + options.clusterPort() + ", as a cluster"
          + " node with replicated ranges: start it without --port, or give the cluster node a new data directory");
    }
    if (!replicated && options.join().isEmpty()) {
      BootstrapVoters.write(dataDir, List.of(new ReplicaDescriptor(new NodeId(identity.nodeId()), identity.region(),
          ReplicaRole.VOTER)));
    }
  }

  /** The data directory's layout does not fit the flags; exits 78 (EX_CONFIG) as a refusal does. */
  static final class DataLayoutException extends IllegalStateException implements ForegroundNode.ExitCode {
    DataLayoutException(String message) {
      super(message);
    }

    @Override
    public int exitCode() {
      return ClusterNode.RefusedException.EXIT_CODE;
    }
  }

  private String metricsText() {
    StringBuilder out = new StringBuilder(serving ? metrics.render(gauges()) : "");
    if (serving) {
      clock.appendMetricsButEpsilon(out);
    } else {
      clock.appendMetrics(out);
    }
    cluster.appendMetrics(out);
    return out.toString();
  }

  private static Server startSqlEndpoint(Options options, MeridianMeta meta, NodeMetrics metrics) throws Exception {
    // Acceptor and selector take one thread each; the rest run requests. The queue is bounded so
    // that overload is refused rather than remembered.
    int maxThreads = options.sqlWorkers() + 2;
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(4, maxThreads), 60_000,
        new BlockingArrayQueue<>(64, 64, 4 * maxThreads));
    pool.setName("sql-worker");
    pool.setDaemon(true);
    Server server = new Server(pool);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost(options.listen());
    connector.setPort(options.sqlPort());
    server.addConnector(connector);
    Service service = new LocalService(meta);
    AvaticaProtobufHandler handler = new AvaticaProtobufHandler(service);
    ErrorBoundaryHandler boundary = new ErrorBoundaryHandler(metrics);
    boundary.setHandler(handler);
    server.setHandler(boundary);
    server.setStopAtShutdown(false);
    server.start();
    Service.RpcMetadataResponse address = new Service.RpcMetadataResponse(options.listen() + ":" + connector.getLocalPort());
    handler.setServerRpcMetadata(address);
    boundary.setServerRpcMetadata(address);
    return server;
  }

  /** {@code host} as a URL's host: an IPv6 address in brackets. */
  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private void expireIdleSessions() {
    try {
      meta.expireIdle();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "expiring idle sessions failed", e);
    }
  }

  private NodeMetrics.Gauges gauges() {
    return new NodeMetrics.Gauges() {
      @Override
      public long sessionsOpen() {
        return meta.connectionCount();
      }

      @Override
      public dev.meridian.sql.exec.SqlEngine.PlanCacheStats planCache() {
        return node.sqlEngine().planCacheStats();
      }

      @Override
      public java.util.Optional<dev.meridian.sql.ddl.DataCleanup> dataCleanup() {
        return java.util.Optional.of(node.sqlEngine().cleanup());
      }

      @Override
      public long epsilonMicros() {
        return clock.epsilonMicros();
      }

      @Override
      public long uptimeMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
      }
    };
  }

  /**
   * 503 while the node waits for init (status {@code waiting for init}) or was refused by the
   * cluster; once it serves, 200 while the clock is trusted and 503 naming the reason while it is
   * fenced (transactions are refused).
   */
  private Response health() {
    String refusal = cluster.refusal();
    if (!serving || refusal != null) {
      String status = refusal != null ? "refused" : ClusterNode.phaseName(cluster.phase());
      return Response.json(503, String.format(Locale.ROOT, "{\"status\":\"%s\",%s,"
          + "\"phase\":\"%s\",\"clusterAddress\":\"%s\",\"join\":\"%s\",\"epoch\":%d,\"uptimeMillis\":%d%s}\n",
          status, waitingAs,
          ClusterNode.phaseName(cluster.phase()), cluster.clusterAddress(), Json.escape(String.join(",", options.join())),
          cluster.epoch(), (System.nanoTime() - startNanos) / 1_000_000,
          refusal == null ? "" : ",\"reason\":\"" + Json.escape(refusal) + "\""));
    }
    NodeIdentity identity = node.identity();
    return clock.health(String.format(Locale.ROOT, "\"nodeId\":%d,\"clusterId\":\"%s\",\"region\":\"%s\","
        + "\"zone\":\"%s\",\"phase\":\"%s\",\"epoch\":%d,\"clusterAddress\":\"%s\",\"uptimeMillis\":%d,"
        + "\"sessionsOpen\":%d,\"sqlUrl\":\"%s\",\"plantedBugs\":[%s]",
        identity.nodeId(), identity.clusterId(), identity.region(), identity.zone(),
        ClusterNode.phaseName(cluster.phase()), cluster.epoch(), cluster.clusterAddress(),
        (System.nanoTime() - startNanos) / 1_000_000, meta.connectionCount(), sqlUrl,
        node.plantedBugs().isEmpty() ? "" : "\"" + plantedBugsText(node.plantedBugs()).replace(",", "\",\"") + "\""));
  }

  /**
   * A node with a cluster endpoint shows the formation's members ({@link MembershipView}, each
   * peer's facts from its {@code /api/node}); one without is a single-node cluster and shows itself.
   */
  private ClusterView clusterView(NodeIdentity identity) {
    String clusterId = identity.clusterId().toString();
    if (options.clusterPort() == null) {
      return new SingleNodeClusterView(clusterId, this::self);
    }
    this.peerHttp = PeerClusterView.httpClient();
    int selfId = identity.nodeId();
    RangeNode rangeNode = (RangeNode) node; // Every node with --port.
    return new PeerClusterView(clusterId, selfId, this::self, () -> MembershipView.members(cluster.members(), selfId),
        nodes -> rangeNode.directoryView(), peerHttp);
  }

  /** This node's entry in the console's and {@code meridian status}'s list of nodes. */
  private ClusterView.Node self() {
    NodeIdentity identity = node.identity();
    SyncedTrueTime.State state = clock.state();
    return new ClusterView.Node(identity.nodeId(), identity.region(), identity.zone(), ClusterView.Liveness.LIVE,
        state.trusted(), state.trusted() ? "trusted" : state.reason().name(), clock.epsilonMicros(), BuildInfo.VERSION,
        sqlUrl, adminUrl, (System.nanoTime() - startNanos) / 1_000_000, state.trusted() ? null : state.detail(),
        metrics.stats(), cluster.epoch());
  }

  /** {@code skip-read-validation,ack-before-durable}, in declaration order. */
  private static String plantedBugsText(Set<RangeLeader.PlantedBug> bugs) {
    return bugs.stream().sorted().map(NodeServer::flagName).collect(Collectors.joining(","));
  }

  String sqlUrl() {
    return sqlUrl;
  }

  String adminUrl() {
    return adminUrl;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("stopping");
    if (cluster != null) {
      cluster.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (peerHttp != null) {
      peerHttp.close();
    }
    if (jetty != null) {
      try {
        jetty.stop();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "stopping the SQL endpoint failed", e);
      }
    }
    if (reaper != null) {
      reaper.shutdownNow();
    }
    if (meta != null) {
      meta.closeAll();
    }
    if (node != null) {
      node.close();
    }
    if (clock != null) {
      clock.close();
    }
    LOG.info("stopped");
  }

  /** {@code meridian start}: runs a node in the foreground until SIGTERM. */
  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("meridian start: " + e.getMessage());
      err.println(Options.USAGE);
      return 64;
    }
    Consumer<String> progress = line -> {
      out.println("meridian: " + line);
      out.flush();
    };
    Consumer<String> exitRefused = reason -> {
      err.println("meridian start: refused by the cluster after start, stopping: " + reason);
      err.flush();
      // Not on the cluster loop: System.exit waits for the shutdown hook, which stops that loop.
      new Thread(() -> System.exit(ClusterNode.RefusedException.EXIT_CODE), "refused-exit").start();
    };
    return ForegroundNode.run("meridian start", options.dataDir(), options,
        () -> new NodeServer(options, progress, exitRefused),
        server -> "node " + server.node.identity().nodeId() + " serving SQL at " + server.sqlUrl() + " admin at "
            + server.adminUrl(), out, err);
  }
}
