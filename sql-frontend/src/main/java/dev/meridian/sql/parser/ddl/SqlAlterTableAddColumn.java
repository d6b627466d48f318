package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code ALTER TABLE name ADD [COLUMN] [IF NOT EXISTS] columnDefinition}. */
public final class SqlAlterTableAddColumn extends SqlAlterTable {

  static final SqlOperator OPERATOR = new DdlOperator("ALTER TABLE ADD COLUMN",
      SqlKind.ALTER_TABLE,
      (pos, ops) -> new SqlAlterTableAddColumn(pos, (SqlIdentifier) ops.get(0),
          DdlOperator.flag(ops.get(1)), (SqlColumnDeclaration) ops.get(2)));

  private final boolean ifNotExists;
  private final SqlColumnDeclaration column;

  public SqlAlterTableAddColumn(SqlParserPos pos, SqlIdentifier table, boolean ifNotExists,
      SqlColumnDeclaration column) {
    super(OPERATOR, pos, table);
    this.ifNotExists = ifNotExists;
    this.column = column;
  }

  public boolean isIfNotExists() {
    return ifNotExists;
  }

  public SqlColumnDeclaration getColumn() {
    return column;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(getTable(), DdlOperator.flag(ifNotExists), column);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    unparseHead(writer);
    writer.keyword("ADD COLUMN");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    column.unparse(writer, 0, 0);
  }
}
