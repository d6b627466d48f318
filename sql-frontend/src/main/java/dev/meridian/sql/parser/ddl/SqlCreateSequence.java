package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** {@code CREATE SEQUENCE [IF NOT EXISTS] name [option …]}; see {@link SqlSequenceOptions}. */
public final class SqlCreateSequence extends SqlCreate {

  static final SqlOperator OPERATOR = new DdlOperator("CREATE SEQUENCE", SqlKind.CREATE_SEQUENCE,
      (pos, ops) -> new SqlCreateSequence(pos, DdlOperator.flag(ops.get(0)), (SqlIdentifier) ops.get(1),
          (SqlSequenceOptions) ops.get(2)));

  private final SqlIdentifier name;
  private final SqlSequenceOptions options;

  public SqlCreateSequence(SqlParserPos pos, boolean ifNotExists, SqlIdentifier name, SqlSequenceOptions options) {
    super(OPERATOR, pos, false, ifNotExists);
    this.name = name;
    this.options = options;
  }

  public SqlIdentifier getName() {
    return name;
  }

  public boolean isIfNotExists() {
    return ifNotExists;
  }

  public SqlSequenceOptions getOptions() {
    return options;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(DdlOperator.flag(ifNotExists), name, options);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE SEQUENCE");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    options.unparse(writer, 0, 0);
  }
}
