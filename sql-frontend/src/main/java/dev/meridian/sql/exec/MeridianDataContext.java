package dev.meridian.sql.exec;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.schema.SchemaPlus;

/**
 * What generated code sees of one execution: the statement's parameters ({@code ?0}, {@code ?1},
 * …), constants the planner stashed, the {@link ExecContext}, and the time variables. The SQL
 * functions CURRENT_TIMESTAMP and friends return the transaction's read timestamp, so every
 * statement of a transaction sees the same time, and that time is the one its snapshot reflects.
 */
final class MeridianDataContext implements DataContext {

  private final SchemaPlus rootSchema;
  private final JavaTypeFactory typeFactory;
  private final Map<String, Object> internalParameters;
  private final List<Object> parameters;
  private final ExecContext exec;
  private final long currentTimeMillis;
  private final AtomicBoolean cancelFlag = new AtomicBoolean();

  MeridianDataContext(
      SchemaPlus rootSchema,
      JavaTypeFactory typeFactory,
      Map<String, Object> internalParameters,
      List<Object> parameters,
      ExecContext exec,
      long currentTimeMillis) {
    this.rootSchema = rootSchema;
    this.typeFactory = typeFactory;
    this.internalParameters = internalParameters;
    this.parameters = parameters;
    this.exec = exec;
    this.currentTimeMillis = currentTimeMillis;
  }

  @Override
  public SchemaPlus getRootSchema() {
    return rootSchema;
  }

  @Override
  public JavaTypeFactory getTypeFactory() {
    return typeFactory;
  }

  @Override
  public QueryProvider getQueryProvider() {
    return null;
  }

  @Override
  public Object get(String name) {
    Object internal = internalParameters.get(name);
    if (internal != null) {
      return internal;
    }
    if (name.startsWith("?")) {
      int index = Integer.parseInt(name.substring(1));
      if (index >= parameters.size()) {
        throw new SqlExecutionException("07001", "parameter " + (index + 1) + " has no value");
      }
      return parameters.get(index);
    }
    if (ExecContext.KEY.equals(name)) {
      return exec;
    }
    if (Variable.CURRENT_TIMESTAMP.camelName.equals(name)
        || Variable.LOCAL_TIMESTAMP.camelName.equals(name)
        || Variable.UTC_TIMESTAMP.camelName.equals(name)) {
      return currentTimeMillis;
    }
    if (Variable.TIME_ZONE.camelName.equals(name)) {
      return TimeZone.getTimeZone("UTC");
    }
    if (Variable.LOCALE.camelName.equals(name)) {
      return Locale.ROOT;
    }
    if (Variable.CANCEL_FLAG.camelName.equals(name)) {
      return cancelFlag;
    }
    return null;
  }
}
