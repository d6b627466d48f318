package dev.meridian.sql.parser.ddl;

import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code DROP VIEW [IF EXISTS] name}. */
public final class SqlDropView extends SqlDropObject {

  static final SqlOperator OPERATOR = new DdlOperator("DROP VIEW", SqlKind.DROP_VIEW,
      (pos, ops) -> new SqlDropView(pos, DdlOperator.flag(ops.get(0)), (SqlIdentifier) ops.get(1)));

  public SqlDropView(SqlParserPos pos, boolean ifExists, SqlIdentifier name) {
    super(OPERATOR, pos, ifExists, name);
  }
}
