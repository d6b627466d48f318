package dev.meridian.sql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.util.Litmus;

/** Parse, round-trip and failure assertions shared by the parser tests. */
final class ParserAssertions {

  private ParserAssertions() {}

  /** Parses {@code sql}, failing the test with the parser's description if it does not parse. */
  static SqlNode parse(String sql) {
    try {
      return MeridianSqlParser.parse(sql);
    } catch (SqlParseException e) {
      throw new AssertionError(ParseErrors.describe(e, sql), e);
    }
  }

  /** Parses {@code sql} as a {@code type} and checks that its unparsed SQL parses back to it. */
  static <T extends SqlNode> T parseAs(Class<T> type, String sql) {
    SqlNode node = parse(sql);
    assertThat(node).isInstanceOf(type);
    assertRoundTrips(node);
    return type.cast(node);
  }

  /** parse(unparse(node)) is structurally equal to node, and so is node.clone(). */
  static void assertRoundTrips(SqlNode node) {
    String unparsed = MeridianSqlParser.unparse(node);
    SqlNode reparsed = parse(unparsed);
    assertThat(reparsed.equalsDeep(node, Litmus.IGNORE))
        .as("parse(unparse(x)) equals x; unparsed as:%n%s%nreparsed as:%n%s", unparsed,
            MeridianSqlParser.unparse(reparsed))
        .isTrue();
    assertThat(MeridianSqlParser.unparse(reparsed)).isEqualTo(unparsed);
    SqlNode copy = node.clone(node.getParserPosition());
    assertThat(copy).hasSameClassAs(node);
    assertThat(copy.equalsDeep(node, Litmus.IGNORE)).as("clone equals original").isTrue();
  }

  /** {@code sql} fails to parse at the given 1-based line and column. */
  static SqlParseException assertFailsAt(String sql, int line, int column) {
    SqlParseException e = catchThrowableOfType(SqlParseException.class,
        () -> MeridianSqlParser.parse(sql));
    assertThat(e).as("parse error for %s", sql).isNotNull();
    assertThat(e.getPos().getLineNum()).as("line of: %s", e.getMessage()).isEqualTo(line);
    assertThat(e.getPos().getColumnNum()).as("column of: %s", e.getMessage()).isEqualTo(column);
    return e;
  }
}
