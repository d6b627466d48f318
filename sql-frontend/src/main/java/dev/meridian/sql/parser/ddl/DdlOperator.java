package dev.meridian.sql.parser.ddl;

import java.util.Arrays;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The operator of one kind of Meridian statement node. It rebuilds the node from its operand list,
 * so {@code clone()} and {@code SqlShuttle} give back the same class rather than a plain
 * {@code SqlBasicCall}.
 */
final class DdlOperator extends SqlSpecialOperator {

  /** Builds a node from the operands in the order its {@code getOperandList()} returns them. */
  @FunctionalInterface
  interface Factory {
    SqlCall create(SqlParserPos pos, List<SqlNode> operands);
  }

  private final Factory factory;

  DdlOperator(String name, SqlKind kind, Factory factory) {
    super(name, kind);
    this.factory = factory;
  }

  @Override
  public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos, SqlNode... operands) {
    return factory.create(pos, Arrays.asList(operands));
  }

  static SqlLiteral flag(boolean value) {
    return SqlLiteral.createBoolean(value, SqlParserPos.ZERO);
  }

  static boolean flag(SqlNode literal) {
    return ((SqlLiteral) literal).booleanValue();
  }
}
