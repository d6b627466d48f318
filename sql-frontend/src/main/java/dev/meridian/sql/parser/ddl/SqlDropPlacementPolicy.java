package dev.meridian.sql.parser.ddl;

import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code DROP PLACEMENT POLICY [IF EXISTS] name}. */
public final class SqlDropPlacementPolicy extends SqlDropObject {

  static final SqlOperator OPERATOR = new DdlOperator("DROP PLACEMENT POLICY", SqlKind.OTHER_DDL,
      (pos, ops) -> new SqlDropPlacementPolicy(pos, DdlOperator.flag(ops.get(0)), (SqlIdentifier) ops.get(1)));

  public SqlDropPlacementPolicy(SqlParserPos pos, boolean ifExists, SqlIdentifier name) {
    super(OPERATOR, pos, ifExists, name);
  }
}
