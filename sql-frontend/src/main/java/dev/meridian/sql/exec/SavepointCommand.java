package dev.meridian.sql.exec;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three savepoint statements, which Calcite's grammar lacks, recognised before parsing:
 * {@code SAVEPOINT s}, {@code ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] s} and {@code RELEASE
 * [SAVEPOINT] s}, as PostgreSQL writes them. A name is an identifier: unquoted it is folded to
 * upper case, as Meridian folds every unquoted identifier; double-quoted it is taken as written
 * ({@code ""} inside stands for one quote). Anything else is left to the parser.
 */
record SavepointCommand(Kind kind, String name) {

  enum Kind {
    SAVEPOINT,
    ROLLBACK_TO,
    RELEASE
  }

  private static final String NAME = "([A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\")";

  private static final Pattern SAVEPOINT = Pattern.compile("(?is)\\s*SAVEPOINT\\s+" + NAME + "\\s*");
  private static final Pattern ROLLBACK_TO = Pattern.compile(
      "(?is)\\s*ROLLBACK(?:\\s+(?:WORK|TRANSACTION))?\\s+TO(?:\\s+SAVEPOINT)?\\s+" + NAME + "\\s*");
  private static final Pattern RELEASE = Pattern.compile("(?is)\\s*RELEASE(?:\\s+SAVEPOINT)?\\s+" + NAME + "\\s*");

  /** The command {@code sql} (without trailing semicolons) is, if it is one. */
  static Optional<SavepointCommand> parse(String sql) {
    for (Kind kind : Kind.values()) {
      Matcher m = (switch (kind) {
        case SAVEPOINT -> SAVEPOINT;
        case ROLLBACK_TO -> ROLLBACK_TO;
        case RELEASE -> RELEASE;
      }).matcher(sql);
      if (m.matches()) {
        return Optional.of(new SavepointCommand(kind, identifier(m.group(1))));
      }
    }
    return Optional.empty();
  }

  private static String identifier(String text) {
    if (text.startsWith("\"")) {
      return text.substring(1, text.length() - 1).replace("\"\"", "\"");
    }
    return text.toUpperCase(Locale.ROOT);
  }

  /** The statement as the client wrote it, for messages. */
  String sql() {
    return switch (kind) {
      case SAVEPOINT -> "SAVEPOINT";
      case ROLLBACK_TO -> "ROLLBACK TO SAVEPOINT";
      case RELEASE -> "RELEASE SAVEPOINT";
    };
  }
}
