package dev.meridian.sql.parser.ddl;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlDrop;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code DROP INDEX [IF EXISTS] name [ON table]}. The table is optional: index names are unique per
 * schema, but naming the table (as MySQL requires) lets the executor check it and skip a lookup.
 */
public final class SqlDropIndex extends SqlDrop {

  static final SqlOperator OPERATOR = new DdlOperator("DROP INDEX", SqlKind.DROP_INDEX,
      (pos, ops) -> new SqlDropIndex(pos, DdlOperator.flag(ops.get(0)),
          (SqlIdentifier) ops.get(1), (SqlIdentifier) ops.get(2)));

  private final SqlIdentifier name;
  private final SqlIdentifier table;

  /** {@code table} may be null. */
  public SqlDropIndex(SqlParserPos pos, boolean ifExists, SqlIdentifier name, SqlIdentifier table) {
    super(OPERATOR, pos, ifExists);
    this.name = name;
    this.table = table;
  }

  public SqlIdentifier getName() {
    return name;
  }

  public boolean isIfExists() {
    return ifExists;
  }

  public Optional<SqlIdentifier> getTable() {
    return Optional.ofNullable(table);
  }

  @Override
  public List<SqlNode> getOperandList() {
    return Arrays.asList(DdlOperator.flag(ifExists), name, table);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("DROP INDEX");
    if (ifExists) {
      writer.keyword("IF EXISTS");
    }
    name.unparse(writer, 0, 0);
    if (table != null) {
      writer.keyword("ON");
      table.unparse(writer, 0, 0);
    }
  }
}
