package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.CatalogStore;
import dev.meridian.sql.plan.QueryPlanner;
import dev.meridian.txn.TxnClient;
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
    // Calcite compiles each plan to Java with Janino (about 2/3 of planning time). With this cache, a
    // plan whose generated source was seen before reuses the compiled class: our scans and DML
    // stash their specs instead of inlining them, so the same query over another table of the same
    // shape hits. The property is read once, when Calcite's settings class loads, hence here.
    if (System.getProperty("calcite.bindable.cache.maxSize") == null) {
      System.setProperty("calcite.bindable.cache.maxSize", "2048");
    }
  }

  /** Compiled plans kept; each holds generated classes, so the cache is bounded. */
  static final int PLAN_CACHE_SIZE = 2048;

  private static final int PLANNERS_KEPT = 4;

  private final TxnClient client;
  private final CatalogStore catalogs = new CatalogStore();
  private final RowIdGenerator rowIds;
  private final Map<Long, QueryPlanner> planners = lru(PLANNERS_KEPT);
  private final Map<String, QueryPlanner.Plan> plans = lru(PLAN_CACHE_SIZE);
  private long planCacheHits;
  private long planCacheMisses;

  public SqlEngine(TxnClient client) {
    this.client = client;
    this.rowIds = new RowIdGenerator(client.nodeId());
  }

  public Session openSession() {
    return new Session(this);
  }

  TxnClient client() {
    return client;
  }

  CatalogStore catalogs() {
    return catalogs;
  }

  RowIdGenerator rowIds() {
    return rowIds;
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

  /** Plan cache hits and misses since start, for metrics. */
  public long[] planCacheStats() {
    synchronized (plans) {
      return new long[] {planCacheHits, planCacheMisses};
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
