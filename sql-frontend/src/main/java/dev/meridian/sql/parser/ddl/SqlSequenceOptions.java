package dev.meridian.sql.parser.ddl;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The options of a sequence, as CREATE SEQUENCE and an identity column's {@code ( … )} write them:
 * {@code START [WITH] n, INCREMENT [BY] n, MINVALUE n | NO MINVALUE, MAXVALUE n | NO MAXVALUE,
 * CACHE n, [NO] CYCLE}. An option not given (or given as NO MINVALUE / NO MAXVALUE) is empty; the
 * DDL executor supplies PostgreSQL's defaults and checks the values against each other.
 */
public final class SqlSequenceOptions extends SqlCall {

  static final SqlOperator OPERATOR = new DdlOperator("SEQUENCE OPTIONS", SqlKind.OTHER,
      (pos, ops) -> new SqlSequenceOptions(pos, value(ops.get(0)), value(ops.get(1)), value(ops.get(2)),
          value(ops.get(3)), value(ops.get(4)), DdlOperator.flag(ops.get(5))));

  /** No option given. */
  public static final SqlSequenceOptions NONE =
      new SqlSequenceOptions(SqlParserPos.ZERO, null, null, null, null, null, false);

  private final Long start;
  private final Long increment;
  private final Long minValue;
  private final Long maxValue;
  private final Long cache;
  private final boolean cycle;

  public SqlSequenceOptions(SqlParserPos pos, Long start, Long increment, Long minValue, Long maxValue,
      Long cache, boolean cycle) {
    super(pos);
    this.start = start;
    this.increment = increment;
    this.minValue = minValue;
    this.maxValue = maxValue;
    this.cache = cache;
    this.cycle = cycle;
  }

  public Optional<Long> start() {
    return Optional.ofNullable(start);
  }

  public Optional<Long> increment() {
    return Optional.ofNullable(increment);
  }

  public Optional<Long> minValue() {
    return Optional.ofNullable(minValue);
  }

  public Optional<Long> maxValue() {
    return Optional.ofNullable(maxValue);
  }

  public Optional<Long> cache() {
    return Optional.ofNullable(cache);
  }

  /** CYCLE was given; the executor refuses it (values would repeat, which keys cannot allow). */
  public boolean cycle() {
    return cycle;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return Arrays.asList(literal(start), literal(increment), literal(minValue), literal(maxValue),
        literal(cache), DdlOperator.flag(cycle));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    option(writer, "START WITH", start);
    option(writer, "INCREMENT BY", increment);
    option(writer, "MINVALUE", minValue);
    option(writer, "MAXVALUE", maxValue);
    option(writer, "CACHE", cache);
    if (cycle) {
      writer.keyword("CYCLE");
    }
  }

  /** Whether no option at all was given. */
  public boolean isEmpty() {
    return start == null && increment == null && minValue == null && maxValue == null && cache == null
        && !cycle;
  }

  private static void option(SqlWriter writer, String keyword, Long value) {
    if (value != null) {
      writer.keyword(keyword);
      writer.print(Long.toString(value));
      writer.print(" ");
    }
  }

  private static SqlNode literal(Long value) {
    return value == null ? null : SqlLiteral.createExactNumeric(Long.toString(value), SqlParserPos.ZERO);
  }

  private static Long value(SqlNode literal) {
    return literal == null ? null : ((SqlLiteral) literal).getValueAs(Long.class);
  }
}
