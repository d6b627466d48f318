package dev.meridian.sql.parser.ddl;

import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code DROP TABLE [IF EXISTS] name}. */
public final class SqlDropTable extends SqlDropObject {

  static final SqlOperator OPERATOR = new DdlOperator("DROP TABLE", SqlKind.DROP_TABLE,
      (pos, ops) -> new SqlDropTable(pos, DdlOperator.flag(ops.get(0)), (SqlIdentifier) ops.get(1)));

  public SqlDropTable(SqlParserPos pos, boolean ifExists, SqlIdentifier name) {
    super(OPERATOR, pos, ifExists, name);
  }
}
