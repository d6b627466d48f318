package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * One {@code KEY = literal} of a placement policy, e.g. {@code PRIMARY_REGION = 'eu-west'} or
 * {@code VOTERS = 3}. Which keys exist and what their values mean is the placement driver's
 * business; the parser only keeps them.
 */
public final class SqlPolicyOption extends SqlCall {

  static final SqlOperator OPERATOR = new DdlOperator("OPTION", SqlKind.OTHER,
      (pos, ops) -> new SqlPolicyOption(pos, (SqlIdentifier) ops.get(0), ops.get(1)));

  private final SqlIdentifier key;
  private final SqlNode value;

  public SqlPolicyOption(SqlParserPos pos, SqlIdentifier key, SqlNode value) {
    super(pos);
    this.key = key;
    this.value = value;
  }

  public SqlIdentifier getKey() {
    return key;
  }

  /** The key as folded by the parser (unquoted keys are upper case). */
  public String getKeyName() {
    return key.getSimple();
  }

  /** The value: a string, numeric or other literal. */
  public SqlNode getValue() {
    return value;
  }

  /** The value as text: a string literal's contents, a number's digits. */
  public String getValueText() {
    return value instanceof SqlLiteral literal ? literal.toValue() : value.toString();
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(key, value);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    key.unparse(writer, 0, 0);
    writer.keyword("=");
    value.unparse(writer, 0, 0);
  }
}
