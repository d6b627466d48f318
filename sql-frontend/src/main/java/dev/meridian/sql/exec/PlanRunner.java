package dev.meridian.sql.exec;

import dev.meridian.sql.plan.QueryPlanner;
import java.util.List;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;

/** Binds a compiled plan to one execution's parameters and transaction, and runs DML plans. */
final class PlanRunner {

  private PlanRunner() {}

  static MeridianDataContext dataContext(
      QueryPlanner planner, QueryPlanner.Plan plan, List<Object> parameters, ExecContext context, KvReader reader) {
    return new MeridianDataContext(planner.rootSchema().plus(), planner.typeFactory(),
        plan.internalParameters(), parameters, context, reader.readTs().micros() / 1000);
  }

  /**
   * Runs a DML plan with {@code parameters}; its writes go to {@code context}'s statement buffer,
   * which the caller hands to the transaction once the whole statement has succeeded. Returns the
   * number of rows it affected.
   */
  static long updateCount(
      QueryPlanner planner, QueryPlanner.Plan plan, List<Object> parameters, ExecContext context, KvWriter writer) {
    Enumerable<Object> result = plan.bindable().bind(dataContext(planner, plan, parameters, context, writer));
    try (Enumerator<Object> enumerator = result.enumerator()) {
      enumerator.moveNext();
      return ((Number) enumerator.current()).longValue();
    }
  }
}
