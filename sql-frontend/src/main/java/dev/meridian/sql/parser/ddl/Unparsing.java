package dev.meridian.sql.parser.ddl;

import java.util.List;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;

/** Small shared pieces of the nodes' {@code unparse}. */
final class Unparsing {

  private Unparsing() {}

  /** {@code ( a, b, c )}. */
  static void parenthesized(SqlWriter writer, List<? extends SqlNode> items) {
    SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode item : items) {
      writer.sep(",");
      item.unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }
}
