package dev.meridian.sql.parser.ddl;

import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code DROP SEQUENCE [IF EXISTS] name}. */
public final class SqlDropSequence extends SqlDropObject {

  static final SqlOperator OPERATOR = new DdlOperator("DROP SEQUENCE", SqlKind.DROP_SEQUENCE,
      (pos, ops) -> new SqlDropSequence(pos, DdlOperator.flag(ops.get(0)), (SqlIdentifier) ops.get(1)));

  public SqlDropSequence(SqlParserPos pos, boolean ifExists, SqlIdentifier name) {
    super(OPERATOR, pos, ifExists, name);
  }
}
