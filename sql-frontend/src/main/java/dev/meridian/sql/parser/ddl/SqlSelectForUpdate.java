package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code query FOR UPDATE}: a query whose rows the session treats as written by its transaction, so
 * that with optimistic concurrency a concurrent writer, or a concurrent FOR UPDATE, of one of them
 * makes one of the two transactions fail at commit (see {@code Session}). Calcite's grammar has no
 * locking clause; this node wraps the query it parsed.
 */
public final class SqlSelectForUpdate extends SqlCall {

  static final SqlOperator OPERATOR = new DdlOperator("FOR UPDATE", SqlKind.OTHER,
      (pos, ops) -> new SqlSelectForUpdate(pos, ops.get(0)));

  private final SqlNode query;

  public SqlSelectForUpdate(SqlParserPos pos, SqlNode query) {
    super(pos);
    this.query = query;
  }

  public SqlNode getQuery() {
    return query;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(query);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    query.unparse(writer, 0, 0);
    writer.keyword("FOR UPDATE");
  }
}
