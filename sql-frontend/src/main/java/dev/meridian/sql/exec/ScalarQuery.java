package dev.meridian.sql.exec;

import dev.meridian.sql.parser.MeridianSqlParser;
import dev.meridian.sql.plan.QueryPlanner;
import java.util.List;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.sql.parser.SqlParseException;

/** Runs a query that returns one value, e.g. to compute a DEFAULT once during DDL. */
public final class ScalarQuery {

  private ScalarQuery() {}

  /** The first column of the first row of {@code sql}, in Calcite's runtime representation. */
  public static Object evaluate(QueryPlanner planner, String sql, KvReader reader, StatementGuard guard) {
    QueryPlanner.Plan plan;
    try {
      plan = planner.plan(MeridianSqlParser.parse(sql));
    } catch (SqlParseException e) {
      throw SqlErrors.translate(e, sql);
    }
    // Read-only: no row is inserted, so no row ids are drawn.
    ExecContext context = new ExecContext(reader, null, guard, null);
    MeridianDataContext dataContext = new MeridianDataContext(planner.rootSchema().plus(),
        planner.typeFactory(), plan.internalParameters(), List.of(), context,
        reader.readTs().micros() / 1000);
    try (Enumerator<Object> rows = plan.bindable().bind(dataContext).enumerator()) {
      if (!rows.moveNext()) {
        throw new SqlExecutionException("21000", "query returned no row: " + sql);
      }
      Object value = rows.current();
      return value instanceof Object[] array ? array[0] : value;
    }
  }
}
