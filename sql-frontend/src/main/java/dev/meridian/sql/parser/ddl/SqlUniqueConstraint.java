package dev.meridian.sql.parser.ddl;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * A table constraint {@code [CONSTRAINT name] UNIQUE (col, …)}; also what a column declared
 * {@code UNIQUE} stands for (see {@link SqlCreateTable#getUniqueConstraints()}). The executor makes
 * it a unique secondary index, so NULLs never conflict.
 */
public final class SqlUniqueConstraint extends SqlCall {

  static final SqlOperator OPERATOR = new DdlOperator("UNIQUE", SqlKind.UNIQUE,
      (pos, ops) -> new SqlUniqueConstraint(pos, (SqlIdentifier) ops.get(0),
          (SqlNodeList) ops.get(1)));

  private final SqlIdentifier constraintName;
  private final SqlNodeList columns;

  /** {@code columns} holds {@link SqlIdentifier}s; {@code constraintName} may be null. */
  public SqlUniqueConstraint(SqlParserPos pos, SqlIdentifier constraintName, SqlNodeList columns) {
    super(pos);
    this.constraintName = constraintName;
    this.columns = columns;
  }

  public Optional<SqlIdentifier> getConstraintName() {
    return Optional.ofNullable(constraintName);
  }

  /** The constrained columns in the order written. */
  public List<SqlIdentifier> getColumns() {
    return columns.stream().map(SqlIdentifier.class::cast).toList();
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return Arrays.asList(constraintName, columns);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    if (constraintName != null) {
      writer.keyword("CONSTRAINT");
      constraintName.unparse(writer, 0, 0);
    }
    writer.keyword("UNIQUE");
    Unparsing.parenthesized(writer, columns);
  }
}
