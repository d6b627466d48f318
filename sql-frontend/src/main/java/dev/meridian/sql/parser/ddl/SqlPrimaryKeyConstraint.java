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

/** A table constraint {@code [CONSTRAINT name] PRIMARY KEY (col [ASC|DESC], …)}. */
public final class SqlPrimaryKeyConstraint extends SqlCall {

  static final SqlOperator OPERATOR = new DdlOperator("PRIMARY KEY", SqlKind.PRIMARY_KEY,
      (pos, ops) -> new SqlPrimaryKeyConstraint(pos, (SqlIdentifier) ops.get(0),
          (SqlNodeList) ops.get(1)));

  private final SqlIdentifier constraintName;
  private final SqlNodeList columns;

  /** {@code columns} holds {@link SqlKeyColumn}s; {@code constraintName} may be null. */
  public SqlPrimaryKeyConstraint(SqlParserPos pos, SqlIdentifier constraintName,
      SqlNodeList columns) {
    super(pos);
    this.constraintName = constraintName;
    this.columns = columns;
  }

  public Optional<SqlIdentifier> getConstraintName() {
    return Optional.ofNullable(constraintName);
  }

  /** The key columns in key order. */
  public List<SqlKeyColumn> getColumns() {
    return columns.stream().map(SqlKeyColumn.class::cast).toList();
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
    writer.keyword("PRIMARY KEY");
    Unparsing.parenthesized(writer, columns);
  }
}
