package dev.meridian.sql.parser;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Turns parse failures into messages a user can act on, and lets the grammar raise its own.
 *
 * <p>Every failure of {@link MeridianSqlParser} is a Calcite {@link SqlParseException} whose
 * {@link SqlParseException#getPos() position} is 1-based line and column. The server reports them
 * with SQLSTATE {@value #SQLSTATE}.
 */
public final class ParseErrors {

  /** SQLSTATE of a syntax error or access rule violation. */
  public static final String SQLSTATE = "42601";

  /** Beyond this many expected tokens the list stops helping and is left out. */
  private static final int MAX_EXPECTED_SHOWN = 8;

  private static final Set<String> FOREIGN_IDENTIFIERS = Set.of(
      "<BACK_QUOTED_IDENTIFIER>", "<BIG_QUERY_BACK_QUOTED_IDENTIFIER>",
      "<BRACKET_QUOTED_IDENTIFIER>", "<HYPHENATED_IDENTIFIER>", "<UNICODE_QUOTED_IDENTIFIER>");

  private static final Pattern AT_LINE_COLUMN =
      Pattern.compile("\\s*at line \\d+, column \\d+\\.?");

  private ParseErrors() {}

  /**
   * A one-line description: where, what, and (when short enough) what would have been accepted,
   * e.g. {@code syntax error at line 1, column 14: Encountered "ON"; expected one of: <IDENTIFIER>}.
   */
  public static String describe(SqlParseException e) {
    SqlParserPos pos = e.getPos();
    StringBuilder sb = new StringBuilder("syntax error");
    if (pos != null && pos.getLineNum() > 0) {
      sb.append(" at line ").append(pos.getLineNum()).append(", column ").append(pos.getColumnNum());
    }
    sb.append(": ").append(problem(e));
    Collection<String> expected = expectedTokens(e);
    if (!expected.isEmpty() && expected.size() <= MAX_EXPECTED_SHOWN) {
      sb.append("; expected one of: ").append(String.join(", ", expected));
    }
    return sb.toString();
  }

  /**
   * {@link #describe(SqlParseException)} followed by the offending line of {@code sql} and a caret
   * under the column, for a shell or a log.
   */
  public static String describe(SqlParseException e, String sql) {
    String message = describe(e);
    SqlParserPos pos = e.getPos();
    if (pos == null || pos.getLineNum() <= 0) {
      return message;
    }
    String[] lines = sql.split("\r\n|\r|\n", -1);
    if (pos.getLineNum() > lines.length) {
      return message;
    }
    String line = lines[pos.getLineNum() - 1];
    int caret = Math.max(0, Math.min(pos.getColumnNum() - 1, line.length()));
    return message + "\n" + line + "\n" + " ".repeat(caret) + "^";
  }

  /**
   * The exception a grammar action throws for a rule a context-free production cannot express;
   * the generated parser turns it into a {@link SqlParseException} at {@code pos}.
   */
  public static CalciteContextException at(SqlParserPos pos, String message) {
    return new CalciteContextException(message, new IllegalArgumentException(message),
        pos.getLineNum(), pos.getColumnNum(), pos.getEndLineNum(), pos.getEndColumnNum());
  }

  /**
   * The tokens the parser would have accepted, with the identifier spellings Meridian's lexical
   * settings never produce (back quotes, brackets, BigQuery's, hyphenated, Unicode) left out.
   */
  private static Collection<String> expectedTokens(SqlParseException e) {
    Set<String> tokens = new LinkedHashSet<>();
    for (String token : e.getExpectedTokenNames()) {
      if (!FOREIGN_IDENTIFIERS.contains(token)) {
        tokens.add(token);
      }
    }
    return tokens;
  }

  /** The first line of the exception's message, without JavaCC's repetition of the position. */
  private static String problem(SqlParseException e) {
    String message = e.getMessage() == null ? "invalid SQL" : e.getMessage().strip();
    int newline = message.indexOf('\n');
    String first = newline < 0 ? message : message.substring(0, newline).strip();
    first = AT_LINE_COLUMN.matcher(first).replaceAll("");
    if (first.endsWith(".")) {
      first = first.substring(0, first.length() - 1);
    }
    return first.isEmpty() ? "invalid SQL" : first;
  }

  /** For tests and logs: the SQLSTATE and the description together. */
  public static String withSqlState(SqlParseException e) {
    return String.format(Locale.ROOT, "[%s] %s", SQLSTATE, describe(e));
  }
}
