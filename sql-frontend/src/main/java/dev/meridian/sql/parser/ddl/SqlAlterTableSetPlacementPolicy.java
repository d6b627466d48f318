package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code ALTER TABLE name SET PLACEMENT POLICY policy} (DESIGN §7). */
public final class SqlAlterTableSetPlacementPolicy extends SqlAlterTable {

  static final SqlOperator OPERATOR = new DdlOperator("ALTER TABLE SET PLACEMENT POLICY",
      SqlKind.ALTER_TABLE,
      (pos, ops) -> new SqlAlterTableSetPlacementPolicy(pos, (SqlIdentifier) ops.get(0),
          (SqlIdentifier) ops.get(1)));

  private final SqlIdentifier policy;

  public SqlAlterTableSetPlacementPolicy(SqlParserPos pos, SqlIdentifier table,
      SqlIdentifier policy) {
    super(OPERATOR, pos, table);
    this.policy = policy;
  }

  public SqlIdentifier getPolicy() {
    return policy;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(getTable(), policy);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    unparseHead(writer);
    writer.keyword("SET PLACEMENT POLICY");
    policy.unparse(writer, 0, 0);
  }
}
