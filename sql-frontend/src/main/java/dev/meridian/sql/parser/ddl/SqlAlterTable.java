package dev.meridian.sql.parser.ddl;

import org.apache.calcite.sql.SqlDdl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code ALTER TABLE name …}: the table every ALTER TABLE action applies to. */
public abstract sealed class SqlAlterTable extends SqlDdl
    permits SqlAlterTableAddColumn, SqlAlterTableSplitAt, SqlAlterTableSetPlacementPolicy {

  private final SqlIdentifier table;

  SqlAlterTable(SqlOperator operator, SqlParserPos pos, SqlIdentifier table) {
    super(operator, pos);
    this.table = table;
  }

  public SqlIdentifier getTable() {
    return table;
  }

  /** Writes {@code ALTER TABLE name}; subclasses write their action after it. */
  void unparseHead(SqlWriter writer) {
    writer.keyword("ALTER TABLE");
    table.unparse(writer, 0, 0);
  }
}
