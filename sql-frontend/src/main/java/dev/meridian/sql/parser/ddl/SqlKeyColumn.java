package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * One column of a primary key or an index: {@code name [ASC | DESC]}. ASC is the default and is not
 * written back; DESC keys are stored inverted by the key codec (DESIGN §3).
 */
public final class SqlKeyColumn extends SqlCall {

  static final SqlOperator OPERATOR = new DdlOperator("KEY COLUMN", SqlKind.OTHER,
      (pos, ops) -> new SqlKeyColumn(pos, (SqlIdentifier) ops.get(0), DdlOperator.flag(ops.get(1))));

  private final SqlIdentifier name;
  private final boolean descending;

  public SqlKeyColumn(SqlParserPos pos, SqlIdentifier name, boolean descending) {
    super(pos);
    this.name = name;
    this.descending = descending;
  }

  public SqlIdentifier getName() {
    return name;
  }

  public boolean isDescending() {
    return descending;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(name, DdlOperator.flag(descending));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    name.unparse(writer, 0, 0);
    if (descending) {
      writer.keyword("DESC");
    }
  }
}
