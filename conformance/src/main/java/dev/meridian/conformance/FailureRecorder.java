package dev.meridian.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.hydromatic.sqllogictest.TestStatistics;

/**
 * Test statistics that also remember why tests failed: a count per cause (the message without its
 * literals) and the first few examples. Bounded, however many tests fail.
 */
final class FailureRecorder extends TestStatistics {

  static final int MAX_EXAMPLES = 50;

  final Map<String, Integer> causes = new LinkedHashMap<>();
  final List<String> examples = new ArrayList<>();

  FailureRecorder(int verbosity) {
    super(false, verbosity);
  }

  @Override
  public boolean addFailure(FailedTestDescription failure) {
    causes.merge(cause(failure.error), 1, Integer::sum);
    if (examples.size() < MAX_EXAMPLES) {
      examples.add(failure.query.getQuery().replace('\n', ' ') + "\n    -> " + firstLine(failure.error));
    }
    super.addFailure(failure);
    return false;
  }

  /** A failure message reduced to its kind: SQLSTATE and the message without literals. */
  static String cause(String message) {
    String line = firstLine(message == null ? "(no message)" : message);
    line = line.replaceAll("'[^']*'", "'…'").replaceAll("\\b\\d+\\b", "N");
    return line.length() > 140 ? line.substring(0, 140) + "…" : line;
  }

  static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
