package dev.meridian.sql.parser.ddl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code CREATE PLACEMENT POLICY [IF NOT EXISTS] name WITH (KEY = literal, …)} (DESIGN §7). The
 * grammar guarantees each key appears once.
 */
public final class SqlCreatePlacementPolicy extends SqlCreate {

  static final SqlOperator OPERATOR = new DdlOperator("CREATE PLACEMENT POLICY", SqlKind.OTHER_DDL,
      (pos, ops) -> new SqlCreatePlacementPolicy(pos, DdlOperator.flag(ops.get(0)),
          (SqlIdentifier) ops.get(1), (SqlNodeList) ops.get(2)));

  private final SqlIdentifier name;
  private final SqlNodeList options;

  /** {@code options} holds {@link SqlPolicyOption}s. */
  public SqlCreatePlacementPolicy(SqlParserPos pos, boolean ifNotExists, SqlIdentifier name,
      SqlNodeList options) {
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

  /** The options in the order written. */
  public List<SqlPolicyOption> getOptions() {
    return options.stream().map(SqlPolicyOption.class::cast).toList();
  }

  /** Option key (folded) to value text, in the order written. */
  public Map<String, String> getOptionValues() {
    Map<String, String> values = new LinkedHashMap<>();
    for (SqlPolicyOption option : getOptions()) {
      values.put(option.getKeyName(), option.getValueText());
    }
    return values;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(DdlOperator.flag(ifNotExists), name, options);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE PLACEMENT POLICY");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    writer.keyword("WITH");
    Unparsing.parenthesized(writer, options);
  }
}
