package dev.meridian.sql.parser.ddl;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code CREATE [OR REPLACE] VIEW name [(col, …)] AS query}. */
public final class SqlCreateView extends SqlCreate {

  static final SqlOperator OPERATOR = new DdlOperator("CREATE VIEW", SqlKind.CREATE_VIEW,
      (pos, ops) -> new SqlCreateView(pos, DdlOperator.flag(ops.get(0)),
          (SqlIdentifier) ops.get(1), (SqlNodeList) ops.get(2), ops.get(3)));

  private final SqlIdentifier name;
  private final SqlNodeList columns;
  private final SqlNode query;

  /** {@code columns} may be null (the query's column names are used). */
  public SqlCreateView(SqlParserPos pos, boolean replace, SqlIdentifier name, SqlNodeList columns,
      SqlNode query) {
    super(OPERATOR, pos, replace, false);
    this.name = name;
    this.columns = columns;
    this.query = query;
  }

  public boolean isOrReplace() {
    return getReplace();
  }

  public SqlIdentifier getName() {
    return name;
  }

  /** The view's column names, if listed. */
  public Optional<List<SqlIdentifier>> getColumnNames() {
    return Optional.ofNullable(columns)
        .map(list -> list.stream().map(SqlIdentifier.class::cast).toList());
  }

  public SqlNode getQuery() {
    return query;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return Arrays.asList(DdlOperator.flag(getReplace()), name, columns, query);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword(getReplace() ? "CREATE OR REPLACE VIEW" : "CREATE VIEW");
    name.unparse(writer, 0, 0);
    if (columns != null) {
      Unparsing.parenthesized(writer, columns);
    }
    writer.keyword("AS");
    writer.newlineAndIndent();
    query.unparse(writer, 0, 0);
  }
}
