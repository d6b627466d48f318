package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The driver's side of the one read-staleness rule. The driver depends on avatica-core only, so it
 * cannot call the server's parser; it keeps its own copy of the grammar ({@link Staleness}) and
 * this test holds it to the server's table of cases, read from sql-frontend's test resources (the
 * server's {@code StalenessTableTest} checks the same rows): a value the server takes, the driver
 * passes on; a value the server refuses, the driver refuses before connecting.
 */
class StalenessTableTest {

  /** From this module's directory, where Maven runs its tests. */
  static final Path TABLE =
      Path.of("..", "sql-frontend", "src", "test", "resources", "dev", "meridian", "sql", "exec",
          "read-staleness-cases.txt");

  private static final Pattern ROW = Pattern.compile("'(.*)' (refused|[0-9]+)");

  static List<Arguments> cases() throws IOException {
    assertThat(TABLE).as("the server's table of read-staleness cases").isRegularFile();
    return Files.readAllLines(TABLE).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> {
          Matcher row = ROW.matcher(line);
          assertThat(row.matches()).as("row of %s: %s", TABLE, line).isTrue();
          return Arguments.of(row.group(1), row.group(2).equals("refused"));
        })
        .toList();
  }

  @ParameterizedTest(name = "''{0}'' refused: {1}")
  @MethodSource("cases")
  void driverAgreesWithTheServer(String value, boolean refused) {
    String problem = Staleness.problem(value);
    if (refused) {
      assertThat(problem).as("the server refuses '%s'", value).isNotNull().contains("'" + value + "'");
    } else {
      assertThat(problem).as("the server takes '%s'", value).isNull();
    }
  }

  @Test
  void theTableHoldsBothKinds() throws IOException {
    assertThat(cases().stream().map(c -> (Boolean) c.get()[1]))
        .contains(true, false)
        .hasSizeGreaterThan(20);
  }
}
