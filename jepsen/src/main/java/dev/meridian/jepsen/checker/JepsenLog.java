package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the operations Jepsen writes to its log ({@code jepsen.log}), one per line, as
 * {@code jepsen.util} prints them:
 *
 * <pre>
 * INFO  jepsen.util - 3	:invoke	:cas	[1 4]
 * INFO  jepsen.util - 3	:fail	:cas	[1 4]
 * INFO  jepsen.util - :nemesis	:info	:start	nil
 * </pre>
 *
 * <p>After the {@code jepsen.util - } marker come the process (an integer for a client, a keyword
 * such as {@code :nemesis} otherwise), the type, the function and the value (the rest of the line,
 * as EDN; absent means {@code nil}), separated by tabs or spaces. Each becomes the operation map the
 * EDN reader would produce ({@code {:process 3, :type :invoke, :f :cas, :value [1 4]}}), with the
 * line it came from. Other lines (test set-up, stack traces) and lines whose type is not one of
 * {@code :invoke :ok :fail :info} carry no operation and are skipped, as in Knossos's log parser.
 */
public final class JepsenLog {
  private static final Pattern OP = Pattern.compile(
      "jepsen\\.util - (\\S+)\\s+:(invoke|ok|fail|info)\\s+(\\S+)(?:\\s+(.*?))?\\s*$");

  private JepsenLog() {}

  /** Every operation line of {@code text}, as an operation map and its one-based line. */
  public static List<EdnReader.Form> read(String text) {
    List<EdnReader.Form> out = new ArrayList<>();
    String[] rows = text.split("\n", -1);
    for (int i = 0; i < rows.length; i++) {
      Matcher m = OP.matcher(rows[i]);
      if (!m.find()) {
        continue;
      }
      int line = i + 1;
      Map<Object, Object> op = new LinkedHashMap<>();
      op.put(Keyword.of("process"), form(m.group(1), line));
      op.put(Keyword.of("type"), Keyword.of(m.group(2)));
      op.put(Keyword.of("f"), form(m.group(3), line));
      op.put(Keyword.of("value"), m.group(4) == null || m.group(4).isEmpty() ? null
          : form(m.group(4), line));
      out.add(new EdnReader.Form(op, line));
    }
    return out;
  }

  private static Object form(String edn, int line) {
    try {
      return EdnReader.readOne(edn);
    } catch (HistoryFormatException e) {
      throw new HistoryFormatException(line, "cannot read '" + edn + "' as EDN: " + e.getMessage());
    }
  }
}
