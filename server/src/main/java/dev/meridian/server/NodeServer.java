package dev.meridian.server;

import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.server.admin.AdminServer;
import dev.meridian.server.admin.AdminServer.Response;
import dev.meridian.server.admin.BuildInfo;
import dev.meridian.server.admin.ClusterView;
import dev.meridian.server.admin.NodeMetrics;
import dev.meridian.server.sql.ErrorBoundaryHandler;
import dev.meridian.server.sql.MeridianMeta;
import dev.meridian.server.time.ClockOptions;
import dev.meridian.server.time.NodeClock;
import dev.meridian.storage.rocks.RocksMvccEngine;
import dev.meridian.truetime.SyncedTrueTime;
import dev.meridian.txn.range.RangeLeader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * A running node ({@code meridian start}): the {@link LocalNode} (event loop, TrueTime, RocksDB,
 * transaction client, SQL engine), the SQL endpoint and the admin endpoint.
 *
 * <ul>
 *   <li>SQL: Avatica's protobuf-over-HTTP handler on Jetty, with {@link MeridianMeta} behind it. Its
 *       Jetty thread pool is the node's SQL worker pool: bounded ({@code --sql-workers}) with a
 *       bounded queue, and the only place SQL runs. It blocks on storage futures; the range's event
 *       loop completes them and never runs SQL.
 *   <li>Admin: {@code /health} and {@code /metrics} ({@link AdminServer}), TrueTime's routes, and
 *       the console at {@code /} with its JSON at {@code /api/cluster} ({@link SingleNodeClusterView}:
 *       this node and its one range, until the cluster layer supplies its own view).
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
  record Options(Path dataDir, NodeIdentity.Requested identity, String listen, int sqlPort, int adminPort,
      int sqlWorkers, int maxConnections, long statementTimeoutMillis, long idleTimeoutMillis, ClockOptions clock,
      Set<RangeLeader.PlantedBug> plantedBugs) {

    static final String USAGE = "usage: meridian start --data-dir DIR [--node-id N] [--region R] [--zone Z] "
        + "[--sql-port 7070] [--admin-port 7072] "
        + "[--listen 127.0.0.1] [--sql-workers 32] [--max-connections 256] "
        + "[--statement-timeout-ms 300000] [--idle-timeout-ms 1800000] [--time-source fixed|chrony] "
        + "[--clock-uncertainty 1ms] [--time-poll 1s] [--max-epsilon 20ms] [--drift-ppm 200] [--allow-fault-injection] "
        + "[--plant-bug skip-read-validation|skip-commit-wait|ack-before-durable[,...]]";

    static Options parse(String[] args) {
      Path dataDir = null;
      Integer nodeId = null;
      String region = null;
      String zone = null;
      String listen = "127.0.0.1";
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
      ClockOptions clockOptions = clock.build();
      if (!plantedBugs.isEmpty() && !clockOptions.allowFaultInjection()) {
        throw new IllegalArgumentException("--plant-bug makes the node deliberately incorrect and is for testing the"
            + " Jepsen runner only: it is refused unless --allow-fault-injection is also given");
      }
      return new Options(dataDir, new NodeIdentity.Requested(nodeId, region, zone), listen, sqlPort, adminPort, workers, maxConnections, statementTimeout,
          idleTimeout, clockOptions, plantedBugs);
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

  private final long startNanos = System.nanoTime();
  private final NodeClock clock;
  private final LocalNode node;
  private final NodeMetrics metrics = new NodeMetrics();
  private final MeridianMeta meta;
  private final Server jetty;
  private final AdminServer admin;
  private final ScheduledExecutorService reaper;
  private final String sqlUrl;
  private final String adminUrl;
  private final AtomicBoolean closed = new AtomicBoolean();

  NodeServer(Options options) throws Exception {
    if (!options.plantedBugs().isEmpty()) {
      LOG.severe("PLANTED BUGS " + plantedBugsText(options.plantedBugs()) + ": this node is deliberately incorrect"
          + " (--plant-bug, for testing the Jepsen runner); never use it for data you want to keep");
    }
    NodeIdentity identity = NodeIdentity.establish(options.dataDir(), options.identity(), UUID::randomUUID);
    LOG.info("node " + identity.nodeId() + " of cluster " + identity.clusterId() + " in region " + identity.region()
        + (identity.zone().isEmpty() ? "" : ", zone " + identity.zone()));
    this.clock = new NodeClock(identity.nodeId(), options.clock());
    clock.start(null);
    try {
      this.node = new LocalNode(options.dataDir(), identity, RocksMvccEngine.Options.defaults(), clock.trueTime(),
          options.plantedBugs(), metrics::commitWait);
    } catch (RuntimeException | Error e) {
      clock.close();
      throw e;
    }
    try {
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
      this.admin = AdminServer.withHealth(options.listen(), options.adminPort(), this::health, this::metricsText);
      clock.registerRoutes(admin);
      admin.serveConsole(new SingleNodeClusterView(identity.clusterId().toString(), this::self), this::self);
      this.reaper = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("session-reaper"));
      long sweepMillis = Math.max(1_000, Math.min(60_000, options.idleTimeoutMillis() / 4));
      reaper.scheduleWithFixedDelay(this::expireIdleSessions, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
      String host = hostForUrl(options.listen());
      this.sqlUrl = "jdbc:meridian://" + host + ":" + sqlPort;
      this.adminUrl = "http://" + host + ":" + admin.port() + "/";
    } catch (Exception | Error e) {
      node.close();
      clock.close();
      throw e;
    }
  }

  private String metricsText() {
    StringBuilder out = new StringBuilder(metrics.render(gauges()));
    clock.appendMetricsButEpsilon(out);
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

  private static String hostForUrl(String listen) {
    String host = listen.equals("0.0.0.0") ? "127.0.0.1" : listen;
    return host.contains(":") ? "[" + host + "]" : host;
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

  /** 200 while the clock is trusted, 503 naming the reason while it is fenced (transactions are refused). */
  private Response health() {
    NodeIdentity identity = node.identity();
    return clock.health(String.format(Locale.ROOT, "\"nodeId\":%d,\"clusterId\":\"%s\",\"region\":\"%s\","
        + "\"zone\":\"%s\",\"uptimeMillis\":%d,\"sessionsOpen\":%d,\"sqlUrl\":\"%s\",\"plantedBugs\":[%s]",
        identity.nodeId(), identity.clusterId(), identity.region(), identity.zone(),
        (System.nanoTime() - startNanos) / 1_000_000, meta.connectionCount(), sqlUrl,
        node.range().plantedBugs().isEmpty() ? "" : "\"" + plantedBugsText(node.range().plantedBugs()).replace(",", "\",\"") + "\""));
  }

  /** This node's entry in the console's and {@code meridian status}'s list of nodes. */
  private ClusterView.Node self() {
    NodeIdentity identity = node.identity();
    SyncedTrueTime.State state = clock.state();
    return new ClusterView.Node(identity.nodeId(), identity.region(), identity.zone(), ClusterView.Liveness.LIVE,
        state.trusted(), state.trusted() ? "trusted" : state.reason().name(), clock.epsilonMicros(), BuildInfo.VERSION,
        sqlUrl, adminUrl, (System.nanoTime() - startNanos) / 1_000_000, state.trusted() ? null : state.detail(),
        metrics.stats());
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
    admin.close();
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "stopping the SQL endpoint failed", e);
    }
    reaper.shutdownNow();
    meta.closeAll();
    node.close();
    clock.close();
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
    return ForegroundNode.run("meridian start", options.dataDir(), options, () -> new NodeServer(options),
        server -> "node " + server.node.identity().nodeId() + " serving SQL at " + server.sqlUrl() + " admin at "
            + server.adminUrl(), out, err);
  }
}
