package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.CatalogStore;
import dev.meridian.sql.ddl.DataCleanup;
import dev.meridian.sql.plan.QueryPlanner;
import dev.meridian.txn.TransactionClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SQL engine of a node: opens sessions and shares between them the catalog cache, one {@link
 * QueryPlanner} per catalog version, and a cache of compiled plans keyed by catalog version and SQL
 * text. Planning with Calcite costs milliseconds, so a statement run again with new parameters must
 * not pay it again. Thread-safe.
 */
public final class SqlEngine {

  static {
    dev.meridian.sql.plan.CalciteSettings.apply();
  }

  /**
   * Compiled plans kept; each holds generated classes, so the cache is bounded. Measured during
   * sqllogictest (every statement new): a plan keeps about 20 generated classes in their own class
   * loader, some 0.1 MB of metaspace and 0.03 MB of heap, so a full cache is some 250 MB off the
   * heap. Calcite's own cache of compiled classes ({@code CalciteSettings.BINDABLE_CACHE_SIZE})
   * shares most of them; together at most both sizes' sum of compiled plans stay loaded.
   */
  public static final int PLAN_CACHE_SIZE = 2048;

  private static final int PLANNERS_KEPT = 4;

  private final TransactionClient client;
  private final CatalogStore catalogs = new CatalogStore();
  private final RowIdGenerator rowIds;
  private final SequenceCache sequences;
  private final DataCleanup cleanup;
  private volatile Runnable onCleanupScheduled = () -> { };
  private final Map<Long, QueryPlanner> planners = lru(PLANNERS_KEPT);
  private final Map<String, QueryPlanner.Plan> plans = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, QueryPlanner.Plan> eldest) {
      boolean evict = size() > PLAN_CACHE_SIZE;
      if (evict) {
        planCacheEvictions++;
      }
      return evict;
    }
  };
  private long planCacheHits;
  private long planCacheMisses;
  private long planCacheEvictions;

  /** The plan cache's counters since start and its size now, for metrics. */
  public record PlanCacheStats(long hits, long misses, long evictions, long entries, long capacity) {}

  public SqlEngine(TransactionClient client) {
    this.client = client;
    this.rowIds = new RowIdGenerator(client.nodeId());
    this.sequences = new SequenceCache(client);
    this.cleanup = new DataCleanup(client);
  }

  /** The deletion of dropped tables' and indexes' data, which the node runs in the background. */
  public DataCleanup cleanup() {
    return cleanup;
  }

  /** Called after every committed DROP that left data to delete: the node wakes its cleanup. */
  public void onCleanupScheduled(Runnable action) {
    this.onCleanupScheduled = action;
  }

  void cleanupScheduled() {
    onCleanupScheduled.run();
  }

  public Session openSession() {
    return new Session(this);
  }

  TransactionClient client() {
    return client;
  }

  CatalogStore catalogs() {
    return catalogs;
  }

  RowIdGenerator rowIds() {
    return rowIds;
  }

  /** This node's reserved sequence blocks (one per engine: an engine is a node's SQL layer). */
  public SequenceCache sequences() {
    return sequences;
  }

  QueryPlanner planner(Catalog catalog) {
    synchronized (planners) {
      return planners.computeIfAbsent(catalog.version(), version -> new QueryPlanner(catalog));
    }
  }

  QueryPlanner.Plan cachedPlan(long catalogVersion, String sql) {
    synchronized (plans) {
      QueryPlanner.Plan plan = plans.get(catalogVersion + "\u0000" + sql);
      if (plan == null) {
        planCacheMisses++;
      } else {
        planCacheHits++;
      }
      return plan;
    }
  }

  void cachePlan(long catalogVersion, String sql, QueryPlanner.Plan plan) {
    synchronized (plans) {
      plans.put(catalogVersion + "\u0000" + sql, plan);
    }
  }

  public PlanCacheStats planCacheStats() {
    synchronized (plans) {
      return new PlanCacheStats(planCacheHits, planCacheMisses, planCacheEvictions, plans.size(), PLAN_CACHE_SIZE);
    }
  }

  private static <K, V> Map<K, V> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }
}
