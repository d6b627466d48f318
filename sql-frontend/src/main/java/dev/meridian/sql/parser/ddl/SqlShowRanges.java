package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code SHOW RANGES [FROM TABLE name]}: every range, or the table's, with their replicas and
 * leaseholders (DESIGN §7).
 */
public final class SqlShowRanges extends SqlShow {

  static final SqlOperator OPERATOR = new DdlOperator("SHOW RANGES", SqlKind.OTHER,
      (pos, ops) -> new SqlShowRanges(pos, ops.isEmpty() ? null : (SqlIdentifier) ops.get(0)));

  private final SqlIdentifier table;

  public SqlShowRanges(SqlParserPos pos, SqlIdentifier table) {
    super(pos);
    this.table = table;
  }

  /** The table, or null for every range. */
  public SqlIdentifier getTable() {
    return table;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return table == null ? List.of() : List.of(table);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("SHOW RANGES");
    if (table != null) {
      writer.keyword("FROM TABLE");
      table.unparse(writer, 0, 0);
    }
  }
}
