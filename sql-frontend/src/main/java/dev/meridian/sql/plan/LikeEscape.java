package dev.meridian.sql.plan;

import dev.meridian.sql.exec.SqlExecutionException;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * {@code s LIKE pattern ESCAPE escape} with an escape that is only known when the statement runs (a
 * parameter), per the SQL standard as PostgreSQL reads it: an empty escape means no escape
 * character; one character escapes the character after it (any character, as in PostgreSQL); a
 * longer escape, or a pattern that ends with the escape character, is SQLSTATE 22025. NULL in any
 * argument gives NULL. Literal escapes are handled before planning ({@link SqlRewrites}).
 */
public final class LikeEscape {

  static final String NAME = "MERIDIAN_LIKE_ESCAPE";

  static final SqlUserDefinedFunction FUNCTION = new SqlUserDefinedFunction(
      new SqlIdentifier(NAME, SqlParserPos.ZERO), SqlKind.OTHER_FUNCTION, ReturnTypes.BOOLEAN_NULLABLE,
      InferTypes.VARCHAR_1024,
      OperandTypes.operandMetadata(
          List.of(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER),
          types -> List.of(types.createSqlType(SqlTypeName.VARCHAR), types.createSqlType(SqlTypeName.VARCHAR),
              types.createSqlType(SqlTypeName.VARCHAR)),
          i -> List.of("S", "PATTERN", "ESCAPE").get(i), i -> false),
      ScalarFunctionImpl.create(LikeEscape.class, "like"));

  private LikeEscape() {}

  /** Called by generated code. */
  public static Boolean like(String s, String pattern, String escape) {
    if (s == null || pattern == null || escape == null) {
      return null;
    }
    return Pattern.compile(toRegex(pattern, escape), Pattern.DOTALL).matcher(s).matches();
  }

  /** The Java regular expression of a LIKE pattern with {@code escape} ("" for none). */
  static String toRegex(String pattern, String escape) {
    if (escape.codePointCount(0, escape.length()) > 1) {
      throw invalidEscape(escape);
    }
    int escapeChar = escape.isEmpty() ? -1 : escape.codePointAt(0);
    StringBuilder regex = new StringBuilder(pattern.length() + 8);
    for (int i = 0; i < pattern.length(); ) {
      int c = pattern.codePointAt(i);
      i += Character.charCount(c);
      if (c == escapeChar) {
        if (i >= pattern.length()) {
          throw new SqlExecutionException("22025",
              "LIKE pattern must not end with the escape character " + escape);
        }
        int escaped = pattern.codePointAt(i);
        i += Character.charCount(escaped);
        regex.append(Pattern.quote(new String(Character.toChars(escaped))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(new String(Character.toChars(c))));
      }
    }
    return regex.toString();
  }

  static SqlExecutionException invalidEscape(String escape) {
    return new SqlExecutionException("22025",
        "invalid escape string '" + escape + "': the escape of LIKE must be empty or one character");
  }
}
