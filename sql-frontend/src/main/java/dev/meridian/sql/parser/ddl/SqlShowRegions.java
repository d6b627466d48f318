package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code SHOW REGIONS}: lists the regions the cluster's nodes declare, with their nodes. */
public final class SqlShowRegions extends SqlShow {

  static final SqlOperator OPERATOR = new DdlOperator("SHOW REGIONS", SqlKind.OTHER,
      (pos, ops) -> new SqlShowRegions(pos));

  public SqlShowRegions(SqlParserPos pos) {
    super(pos);
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of();
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("SHOW REGIONS");
  }
}
