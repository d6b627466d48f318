package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (col [ASC|DESC], …)
 * [STORING (col, …)]}. STORING columns are copied into the index entry (Spanner's covering index)
 * so that reads through the index need not fetch the row.
 */
public final class SqlCreateIndex extends SqlCreate {

  static final SqlOperator OPERATOR = new DdlOperator("CREATE INDEX", SqlKind.CREATE_INDEX,
      (pos, ops) -> new SqlCreateIndex(pos, DdlOperator.flag(ops.get(0)),
          DdlOperator.flag(ops.get(1)), (SqlIdentifier) ops.get(2), (SqlIdentifier) ops.get(3),
          (SqlNodeList) ops.get(4), (SqlNodeList) ops.get(5)));

  private final boolean unique;
  private final SqlIdentifier name;
  private final SqlIdentifier table;
  private final SqlNodeList columns;
  private final SqlNodeList storing;

  /** {@code columns} holds {@link SqlKeyColumn}s, {@code storing} identifiers (maybe empty). */
  public SqlCreateIndex(SqlParserPos pos, boolean unique, boolean ifNotExists, SqlIdentifier name,
      SqlIdentifier table, SqlNodeList columns, SqlNodeList storing) {
    super(OPERATOR, pos, false, ifNotExists);
    this.unique = unique;
    this.name = name;
    this.table = table;
    this.columns = columns;
    this.storing = storing;
  }

  public boolean isUnique() {
    return unique;
  }

  public boolean isIfNotExists() {
    return ifNotExists;
  }

  public SqlIdentifier getName() {
    return name;
  }

  public SqlIdentifier getTable() {
    return table;
  }

  /** The indexed columns in index key order. */
  public List<SqlKeyColumn> getColumns() {
    return columns.stream().map(SqlKeyColumn.class::cast).toList();
  }

  /** The STORING columns; empty when there is no STORING clause. */
  public List<SqlIdentifier> getStoringColumns() {
    return storing.stream().map(SqlIdentifier.class::cast).toList();
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(DdlOperator.flag(unique), DdlOperator.flag(ifNotExists), name, table, columns,
        storing);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword(unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    writer.keyword("ON");
    table.unparse(writer, 0, 0);
    Unparsing.parenthesized(writer, columns);
    if (!storing.isEmpty()) {
      writer.keyword("STORING");
      Unparsing.parenthesized(writer, storing);
    }
  }
}
