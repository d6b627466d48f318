package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code DROP TABLE [IF EXISTS] name [CASCADE | RESTRICT]}. RESTRICT, the default as in PostgreSQL
 * and the SQL standard, refuses to drop a table a view depends on; CASCADE drops those views too.
 */
public final class SqlDropTable extends SqlDropObject {

  static final SqlOperator OPERATOR = new DdlOperator("DROP TABLE", SqlKind.DROP_TABLE,
      (pos, ops) -> new SqlDropTable(pos, DdlOperator.flag(ops.get(0)), (SqlIdentifier) ops.get(1),
          DdlOperator.flag(ops.get(2))));

  private final boolean cascade;

  public SqlDropTable(SqlParserPos pos, boolean ifExists, SqlIdentifier name) {
    this(pos, ifExists, name, false);
  }

  public SqlDropTable(SqlParserPos pos, boolean ifExists, SqlIdentifier name, boolean cascade) {
    super(OPERATOR, pos, ifExists, name);
    this.cascade = cascade;
  }

  /** Whether CASCADE was given (otherwise RESTRICT, said or not). */
  public boolean isCascade() {
    return cascade;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(DdlOperator.flag(ifExists), getName(), DdlOperator.flag(cascade));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    super.unparse(writer, leftPrec, rightPrec);
    if (cascade) {
      writer.keyword("CASCADE");
    }
  }
}
