package dev.meridian.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every history of the shared linearizability suite (Jepsen's etcd histories, as Porcupine ships
 * them), checked with the default budgets: the verdict must be the one Porcupine and Knossos agree
 * on, never unknown. A non-linearizable one must also be explained: the shortest failing prefix
 * (its search must not run out), and involved operations that include the failing one. The suite lives beside the repository
 * ({@code ../shared/conformance/linearizability}); a missing suite fails rather than skips.
 */
class LinearizabilityConformanceTest {
  static final int HISTORIES = 52;

  static Path suite() {
    Path p = Path.of(System.getProperty("user.dir"))
        .resolve("../../shared/conformance/linearizability/etcd").normalize();
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("linearizability conformance suite not found at " + p
          + "; it must be checked out as ../shared beside the repository");
    }
    return p;
  }

  @TestFactory
  @SuppressWarnings("unchecked")
  Stream<DynamicTest> etcdHistories() throws IOException {
    Path dir = suite();
    List<String> verdicts = Files.readAllLines(dir.resolve("verdicts.txt")).stream()
        .filter(l -> !l.isBlank()).toList();
    assertThat(verdicts).hasSize(HISTORIES);
    return verdicts.stream().map(line -> {
      String[] parts = line.strip().split("\\s+");
      String file = parts[0];
      String expected = switch (parts[1]) {
        case "linearizable" -> "true";
        case "not-linearizable" -> "false";
        default -> throw new IllegalStateException("unknown verdict in " + line);
      };
      return DynamicTest.dynamicTest(file, () -> {
        String text = Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
        List<Op> ops = HistoryReader.parseRegister(text, HistoryReader.Format.JEPSEN_LOG);
        assertThat(ops).isNotEmpty();
        CheckResult r = Checker.check(ops,
            CheckOptions.strictSerializable(CheckOptions.Workload.REGISTER));
        assertThat(r.valid()).as(file + " " + r.toJson()).isEqualTo(expected);
        if (expected.equals("false")) {
          List<Object> cases = r.anomalies().get(LinearizabilityChecker.NONLINEARIZABLE);
          assertThat(cases).hasSize(1);
          Map<?, ?> c = (Map<?, ?>) cases.get(0);
          assertThat((List<Object>) c.get("ops")).as(file).contains(c.get("op"));
          assertThat(c.get("shortest")).as(file).isEqualTo(Boolean.TRUE);
        }
      });
    });
  }
}
