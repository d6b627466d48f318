package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code ALTER TABLE name SPLIT AT VALUES (v, …) [, (v, …)]*} (DESIGN §7): split the table's ranges
 * at these primary-key prefixes. Each split point lists values for a prefix of the key columns,
 * in key order; checking them against the key is the executor's job.
 */
public final class SqlAlterTableSplitAt extends SqlAlterTable {

  static final SqlOperator OPERATOR = new DdlOperator("ALTER TABLE SPLIT AT", SqlKind.ALTER_TABLE,
      (pos, ops) -> new SqlAlterTableSplitAt(pos, (SqlIdentifier) ops.get(0),
          (SqlNodeList) ops.get(1)));

  private final SqlNodeList splitPoints;

  /** {@code splitPoints} holds one {@link SqlNodeList} of values per split point. */
  public SqlAlterTableSplitAt(SqlParserPos pos, SqlIdentifier table, SqlNodeList splitPoints) {
    super(OPERATOR, pos, table);
    this.splitPoints = splitPoints;
  }

  /** The split points in the order written; each is the list of its key values. */
  public List<List<SqlNode>> getSplitPoints() {
    return splitPoints.stream().map(p -> ((SqlNodeList) p).getList()).toList();
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(getTable(), splitPoints);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    unparseHead(writer);
    writer.keyword("SPLIT AT VALUES");
    SqlWriter.Frame frame = writer.startList("", "");
    for (SqlNode point : splitPoints) {
      writer.sep(",");
      Unparsing.parenthesized(writer, (SqlNodeList) point);
    }
    writer.endList(frame);
  }
}
