package dev.meridian.server.sql;

import dev.meridian.sql.exec.GeneratedKeys;
import dev.meridian.sql.exec.SqlExecutionException;
import java.util.ArrayList;
import java.util.List;

/**
 * How the JDBC driver asks for generated keys (Avatica's protocol has no field for them): it puts a
 * comment of one of these forms in front of the statement's SQL, and the node answers the execution
 * with two result sets, the update count and then the keys ({@link GeneratedKeys}):
 *
 * <pre>
 * /*meridian.generated_keys*&#47; INSERT …                      RETURN_GENERATED_KEYS
 * /*meridian.generated_keys columns "ID","Name"*&#47; INSERT …  String[]: names quoted, "" inside
 * /*meridian.generated_keys indexes 1,3*&#47; INSERT …           int[]: 1-based column positions
 * </pre>
 *
 * The comment must come first, exactly as written (the driver writes it). Anything else is
 * ordinary SQL, and the comment alone changes nothing for a client that does not read the second
 * result set. The format is the driver's too: dev.meridian.jdbc.GeneratedKeys writes it.
 */
final class GeneratedKeysMarker {

  static final String PREFIX = "/*meridian.generated_keys";
  private static final String END = "*/";

  /** A statement's SQL without the marker, and what the marker asked for (null: no marker). */
  record Marked(String sql, GeneratedKeys.Request request) {}

  private GeneratedKeysMarker() {}

  static Marked parse(String sql) {
    if (!sql.startsWith(PREFIX)) {
      return new Marked(sql, null);
    }
    int at = skipSpaces(sql, PREFIX.length());
    GeneratedKeys.Request request;
    if (sql.startsWith(END, at)) {
      request = new GeneratedKeys.Request.Generated();
    } else if (sql.startsWith("columns", at)) {
      List<String> names = new ArrayList<>();
      at = skipSpaces(sql, at + "columns".length());
      while (true) {
        if (at >= sql.length() || sql.charAt(at) != '"') {
          throw malformed(sql);
        }
        StringBuilder name = new StringBuilder();
        at++;
        while (true) {
          if (at >= sql.length()) {
            throw malformed(sql);
          }
          char c = sql.charAt(at++);
          if (c == '"') {
            if (at < sql.length() && sql.charAt(at) == '"') {
              name.append('"');
              at++;
              continue;
            }
            break;
          }
          name.append(c);
        }
        names.add(name.toString());
        at = skipSpaces(sql, at);
        if (sql.startsWith(END, at)) {
          break;
        }
        if (at >= sql.length() || sql.charAt(at) != ',') {
          throw malformed(sql);
        }
        at = skipSpaces(sql, at + 1);
      }
      request = new GeneratedKeys.Request.Named(names);
    } else if (sql.startsWith("indexes", at)) {
      int end = sql.indexOf(END, at);
      if (end < 0) {
        throw malformed(sql);
      }
      List<Integer> positions = new ArrayList<>();
      for (String position : sql.substring(at + "indexes".length(), end).split(",")) {
        try {
          positions.add(Integer.parseInt(position.trim()));
        } catch (NumberFormatException e) {
          throw malformed(sql);
        }
      }
      request = new GeneratedKeys.Request.Indexed(positions);
      at = end;
    } else {
      throw malformed(sql);
    }
    return new Marked(sql.substring(at + END.length()).strip(), request);
  }

  private static int skipSpaces(String sql, int at) {
    while (at < sql.length() && sql.charAt(at) == ' ') {
      at++;
    }
    return at;
  }

  private static SqlExecutionException malformed(String sql) {
    return new SqlExecutionException("42601", "malformed generated-keys request in front of: "
        + sql.substring(0, Math.min(sql.length(), 200)));
  }
}
