package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.parser.MeridianSqlParser;
import dev.meridian.sql.plan.QueryPlanner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Runs an {@code INSERT} (or {@code UPSERT}) {@code … VALUES (…), (…), …} of several rows a row at
 * a time, through the plan of a one-row shape ({@link LiteralInsert#ofRow}), instead of planning it
 * as written. Planned as written, Calcite compiles every row into one generated method: planning
 * grows with the rows (2,000 rows took 0.6 s) and past a few thousand rows Janino fails ("Code
 * grows beyond 64 KB", 58000). Here a load of any length costs one planning per distinct row shape
 * (usually one, cached across statements like a prepared statement's), and the rows' literals and
 * parameters are the shape's parameter values. So the length of a VALUES list is bounded only by
 * the request and by the statement's write buffer ({@link StatementWrites#MAX_BUFFER_BYTES}).
 *
 * <p>Meaning is that of the statement as written: Calcite casts each VALUES item to its target
 * column on its own, so a row run alone stores what it stores among others. All rows share one
 * {@link ExecContext}, hence one statement write buffer: a duplicate key between two rows fails
 * (23505), an UPSERT's later row wins, and a failing row leaves none of the statement's rows
 * behind. Rows run in order.
 *
 * <p>A row whose literals do not fit their columns exactly (a value that needs a cast, such as a
 * string for a DATE column), or whose shape does not plan on its own, is planned as written, in
 * runs of consecutive such rows of at most {@link #AS_WRITTEN_VALUES} values: generated code
 * stays far below the JVM's method size, at one planning per run.
 */
final class MultiRowInsert {

  /**
   * Values (rows times columns) planned as written in one statement at most: 2,000 rows of three
   * columns (6,000 values) still compiled, 5,000 did not, so a sixth of that leaves room for wide
   * expressions.
   */
  static final int AS_WRITTEN_VALUES = 1_000;

  private final SqlInsert insert;
  private final List<SqlNode> rows;

  private MultiRowInsert(SqlInsert insert, List<SqlNode> rows) {
    this.insert = insert;
    this.rows = rows;
  }

  /** The statement when it is an INSERT or UPSERT whose source is a VALUES of more than one row. */
  static Optional<MultiRowInsert> of(SqlNode statement) {
    if (!(statement instanceof SqlInsert insert) || insert.getSource().getKind() != SqlKind.VALUES) {
      return Optional.empty();
    }
    SqlCall values = (SqlCall) insert.getSource();
    if (values.operandCount() < 2) {
      return Optional.empty();
    }
    return Optional.of(new MultiRowInsert(insert, values.getOperandList()));
  }

  /** Plans of row shapes, per statement: rows of one statement usually share one shape. */
  private static final class Shapes {
    private final SqlEngine engine;
    private final Catalog catalog;
    private final Map<String, Optional<QueryPlanner.Plan>> plans = new HashMap<>();

    Shapes(SqlEngine engine, Catalog catalog) {
      this.engine = engine;
      this.catalog = catalog;
    }

    Optional<QueryPlanner.Plan> plan(LiteralInsert shape) {
      return plans.computeIfAbsent(shape.sql(), sql -> shape.plan(engine, catalog));
    }
  }

  /**
   * Inserts the rows into {@code context}'s statement buffer (the caller hands it to the
   * transaction once this returns); returns the number of rows inserted.
   */
  long run(SqlEngine engine, Catalog catalog, List<Object> parameters, ExecContext context, KvWriter writer,
      StatementGuard guard) {
    QueryPlanner planner = engine.planner(catalog);
    Shapes shapes = new Shapes(engine, catalog);
    List<SqlNode> asWritten = new ArrayList<>();
    int asWrittenValues = 0;
    long count = 0;
    for (int i = 0; i < rows.size(); i++) {
      SqlNode row = rows.get(i);
      Optional<LiteralInsert> shape = LiteralInsert.ofRow(insert, row);
      Optional<QueryPlanner.Plan> plan = shape.flatMap(shapes::plan);
      Optional<List<Object>> values = plan.flatMap(p -> shape.get().parameters(p.parameterRowType(), parameters));
      if (values.isPresent()) {
        count += runAsWritten(planner, asWritten, parameters, context, writer);
        asWritten.clear();
        asWrittenValues = 0;
        count += PlanRunner.updateCount(planner, plan.get(), values.get(), context, writer);
      } else {
        asWritten.add(row);
        asWrittenValues += row instanceof SqlCall call ? Math.max(1, call.operandCount()) : 1;
        if (asWrittenValues >= AS_WRITTEN_VALUES) {
          count += runAsWritten(planner, asWritten, parameters, context, writer);
          asWritten.clear();
          asWrittenValues = 0;
        }
      }
      if ((i & 0xff) == 0xff) {
        guard.check();
      }
    }
    return count + runAsWritten(planner, asWritten, parameters, context, writer);
  }

  /** Plans {@code rows} as one statement as written (not cached: such rows rarely repeat) and runs it. */
  private long runAsWritten(QueryPlanner planner, List<SqlNode> rows, List<Object> parameters, ExecContext context,
      KvWriter writer) {
    if (rows.isEmpty()) {
      return 0;
    }
    SqlCall values = (SqlCall) insert.getSource();
    String sql = LiteralInsert.unparse(LiteralInsert.withSource(insert,
        values.getOperator().createCall(values.getParserPosition(), rows)));
    QueryPlanner.Plan plan;
    try {
      plan = planner.plan(MeridianSqlParser.parse(sql));
    } catch (SqlParseException e) {
      throw SqlErrors.translate(e, sql);
    }
    // The parser numbers parameters in the order they are written, as it did in the statement.
    List<Object> arguments = new ArrayList<>();
    for (SqlDynamicParam parameter : parametersOf(rows)) {
      arguments.add(LiteralInsert.statementParameter(parameters, parameter.getIndex()));
    }
    return PlanRunner.updateCount(planner, plan, arguments, context, writer);
  }

  /**
   * What the statement returns (an update count, as any row's plan says) and takes: one parameter a
   * {@code ?}, typed as the column its row puts it in. Empty when a row has a parameter its shape
   * cannot type (inside an expression, or a shape that does not plan): the statement is then
   * described as written.
   */
  Optional<Session.Description> describe(SqlEngine engine, Catalog catalog) {
    Shapes shapes = new Shapes(engine, catalog);
    Map<Integer, RelDataType> types = new HashMap<>();
    RelDataType rowType = null;
    for (SqlNode row : rows) {
      List<SqlDynamicParam> inRow = parametersOf(List.of(row));
      if (!inRow.isEmpty() || rowType == null) {
        Optional<LiteralInsert> shape = LiteralInsert.ofRow(insert, row);
        Optional<QueryPlanner.Plan> plan = shape.flatMap(shapes::plan);
        if (plan.isEmpty() || shape.get().statementParameterIndexes().size() != inRow.size()) {
          return Optional.empty();
        }
        rowType = plan.get().rowType();
        List<RelDataTypeField> shapeTypes = plan.get().parameterRowType().getFieldList();
        List<Integer> positions = shape.get().parameterPositions();
        List<Integer> indexes = shape.get().statementParameterIndexes();
        for (int i = 0; i < indexes.size(); i++) {
          types.put(indexes.get(i), shapeTypes.get(positions.get(i)).getType());
        }
      }
    }
    RelDataTypeFactory.Builder builder = engine.planner(catalog).typeFactory().builder();
    for (int i = 0; i < types.size(); i++) {
      RelDataType type = types.get(i);
      if (type == null) {
        return Optional.empty();
      }
      builder.add("?" + i, type);
    }
    return Optional.of(new Session.Description(insert.getKind(), rowType, builder.build()));
  }

  /** The statement's parameters that appear in {@code rows}, in the order they are written. */
  private static List<SqlDynamicParam> parametersOf(List<SqlNode> rows) {
    List<SqlDynamicParam> found = new ArrayList<>();
    SqlBasicVisitor<Void> visitor = new SqlBasicVisitor<>() {
      @Override
      public Void visit(SqlDynamicParam param) {
        found.add(param);
        return null;
      }
    };
    rows.forEach(row -> row.accept(visitor));
    found.sort(Comparator.comparingInt(SqlDynamicParam::getIndex));
    return found;
  }
}
