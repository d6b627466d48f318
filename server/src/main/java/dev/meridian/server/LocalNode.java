package dev.meridian.server;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.real.EventLoop;
import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.runtime.real.SystemPhysicalClock;
import dev.meridian.sql.exec.SqlEngine;
import dev.meridian.storage.rocks.RocksMvccEngine;
import dev.meridian.truetime.LocalTrueTime;
import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.GcDaemon;
import dev.meridian.txn.TxnClient;
import dev.meridian.txn.TxnLimits;
import dev.meridian.txn.range.RangeLeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One Meridian node with a single local range: its {@link NodeIdentity}, the real event loop, its
 * TrueTime (the system clock behind a {@code LocalTrueTime} unless given one), the RocksDB engine in
 * {@code dataDir}, the range leader, the transaction client (whose transaction and row ids carry the
 * node id), the SQL engine, the background GC and the deletion of dropped tables' data ({@link
 * CleanupDaemon}). Closing stops them in the reverse order.
 */
public final class LocalNode implements DataNode {

  /** The RocksDB directory of the one local range, under the data directory. */
  static final String STORE_DIR = "rocksdb";

  private final EventLoop loop;
  private final TrueTime trueTime;
  private final RocksMvccEngine engine;
  private final RangeLeader range;
  private final TxnClient client;
  private final ExecutorService blockingWork;
  private final GcDaemon gc;
  private final SqlEngine sqlEngine;
  private final CleanupDaemon cleanup;
  private final NodeIdentity identity;

  public LocalNode(Path dataDir, RocksMvccEngine.Options engineOptions, LocalTrueTime.Config clockConfig) {
    this(dataDir, engineOptions, new LocalTrueTime(SystemPhysicalClock.INSTANCE, clockConfig));
  }

  /**
   * A node on the given TrueTime, with the identity its data directory holds (a new directory
   * becomes node 1 of a new single-node cluster).
   */
  public LocalNode(Path dataDir, RocksMvccEngine.Options engineOptions, TrueTime trueTime) {
    this(dataDir, storedIdentity(dataDir), engineOptions, trueTime);
  }

  /**
   * A node with an identity already {@linkplain NodeIdentity#establish established} for {@code
   * dataDir} ({@code meridian start} passes its synced {@code NodeClock}'s TrueTime).
   */
  public LocalNode(Path dataDir, NodeIdentity identity, RocksMvccEngine.Options engineOptions, TrueTime trueTime) {
    this(dataDir, identity, engineOptions, trueTime, Set.of());
  }

  /**
   * As above, with the range leader built with {@code plantedBugs} ({@code meridian start --plant-bug},
   * which only {@code --allow-fault-injection} allows; see {@link RangeLeader.PlantedBug}).
   */
  public LocalNode(Path dataDir, NodeIdentity identity, RocksMvccEngine.Options engineOptions, TrueTime trueTime,
      Set<RangeLeader.PlantedBug> plantedBugs) {
    this(dataDir, identity, engineOptions, trueTime, plantedBugs, waitedNanos -> {});
  }

  /** As above, the range leader telling {@code commitWait} each commit's wait (the node's metrics). */
  public LocalNode(Path dataDir, NodeIdentity identity, RocksMvccEngine.Options engineOptions, TrueTime trueTime,
      Set<RangeLeader.PlantedBug> plantedBugs, RangeLeader.CommitWaitListener commitWait) {
    this.identity = identity;
    this.loop = new EventLoop("range-loop");
    this.trueTime = trueTime;
    this.engine =
        RocksMvccEngine.open(dataDir.resolve(STORE_DIR), engineOptions, new NamedThreadFactory("rocks-sync"));
    this.range = new RangeLeader(engine, trueTime, loop, plantedBugs, commitWait);
    this.client = new TxnClient(identity.nodeId(), range, trueTime, RandomSource.seeded(System.nanoTime()),
        TxnLimits.defaults(), identity.region());
    this.blockingWork = Executors.newSingleThreadExecutor(new NamedThreadFactory("gc"));
    this.gc =
        new GcDaemon(
            engine,
            trueTime,
            loop,
            blockingWork,
            GcDaemon.DEFAULT_TTL_MICROS,
            GcDaemon.DEFAULT_INTERVAL_MICROS);
    loop.execute(gc::start);
    this.sqlEngine = new SqlEngine(client);
    this.cleanup = new CleanupDaemon(sqlEngine.cleanup());
    sqlEngine.onCleanupScheduled(cleanup::wake);
    cleanup.start();
  }

  public LocalNode(Path dataDir) {
    this(dataDir, RocksMvccEngine.Options.defaults(), LocalTrueTime.Config.defaults());
  }

  private static NodeIdentity storedIdentity(Path dataDir) {
    try {
      return NodeIdentity.establish(dataDir, NodeIdentity.Requested.NOTHING, UUID::randomUUID);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot establish the node identity in " + dataDir, e);
    }
  }

  @Override
  public NodeIdentity identity() {
    return identity;
  }

  public TxnClient client() {
    return client;
  }

  @Override
  public SqlEngine sqlEngine() {
    return sqlEngine;
  }

  public TrueTime trueTime() {
    return trueTime;
  }

  public RocksMvccEngine engine() {
    return engine;
  }

  public RangeLeader range() {
    return range;
  }

  @Override
  public Set<RangeLeader.PlantedBug> plantedBugs() {
    return range.plantedBugs();
  }

  public EventLoop loop() {
    return loop;
  }

  @Override
  public void close() {
    cleanup.close();
    loop.execute(gc::stop);
    blockingWork.shutdown();
    loop.close();
    engine.close();
  }
}
