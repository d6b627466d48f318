package dev.meridian.sql.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server's side of the one read-staleness rule: every row of {@code read-staleness-cases.txt}
 * (this package's test resources; its header states the rule), which the JDBC driver's {@code
 * StalenessTableTest} checks its own copy of the grammar against too, so the two cannot disagree.
 */
class StalenessTableTest {

  private static final Pattern ROW = Pattern.compile("'(.*)' (refused|[0-9]+)");

  static List<Arguments> cases() throws IOException {
    try (InputStream in = StalenessTableTest.class.getResourceAsStream("read-staleness-cases.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).map(line -> {
        Matcher row = ROW.matcher(line);
        assertThat(row.matches()).as("row of read-staleness-cases.txt: %s", line).isTrue();
        return Arguments.of(row.group(1), row.group(2));
      }).toList();
    }
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @MethodSource("cases")
  void serverFollowsTheTable(String value, String micros) {
    if (micros.equals("refused")) {
      assertThatThrownBy(() -> Staleness.parseMicros(value))
          .isInstanceOfSatisfying(SqlExecutionException.class, e -> assertThat(e.sqlState()).isEqualTo("22023"));
    } else {
      assertThat(Staleness.parseMicros(value)).isEqualTo(Long.parseLong(micros));
    }
  }

  @Test
  void theTableHoldsBothKinds() throws IOException {
    assertThat(cases().stream().map(c -> c.get()[1].equals("refused")))
        .contains(true, false)
        .hasSizeGreaterThan(20);
  }
}
