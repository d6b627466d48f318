package dev.meridian.server.sql;

import dev.meridian.server.LocalNode;
import dev.meridian.server.admin.NodeMetrics;

/** The gauges of a Meta under test, for rendering its node's metrics. */
final class MetaGauges {

  private MetaGauges() {}

  static NodeMetrics.Gauges of(MeridianMeta meta, LocalNode node) {
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
      public long epsilonMicros() {
        return 1;
      }

      @Override
      public long uptimeMillis() {
        return 0;
      }
    };
  }
}
