package dev.meridian.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every history of the shared Elle conformance suite, checked with the options its index gives;
 * our verdict and anomaly types must equal Elle's. The suite lives beside the repository
 * ({@code ../shared/conformance/elle} from its root); a missing suite fails the build rather than
 * skipping, so a broken checkout cannot pass silently.
 */
class ElleConformanceTest {
  static Path suite() {
    Path p = Path.of(System.getProperty("user.dir")).resolve("../../shared/conformance/elle")
        .normalize();
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("Elle conformance suite not found at " + p
          + "; it must be checked out as ../shared beside the repository");
    }
    return p;
  }

  private static Object get(Map<?, ?> m, String key) {
    return m.get(Keyword.of(key));
  }

  private static List<String> names(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof Collection<?> c) {
      for (Object o : c) {
        out.add(((Keyword) o).name());
      }
    }
    return out;
  }

  private static Map<Long, Long> order(Object v) {
    Map<Long, Long> out = new java.util.HashMap<>();
    if (v instanceof Map<?, ?> m) {
      m.forEach((k, r) -> out.put((Long) k, (Long) r));
    }
    return out;
  }

  private static String validity(Object v) {
    return v instanceof Keyword k ? k.name() : String.valueOf(v);
  }

  private static CheckResult run(Path file, CheckOptions opts) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<Op> ops = HistoryReader.parse(text, HistoryReader.Format.fromFileName(file.toString()));
    return Checker.check(ops, opts);
  }

  @TestFactory
  Stream<DynamicTest> elleTestsHistories() throws IOException {
    Path dir = suite().resolve("elle-tests");
    List<?> index = (List<?>) EdnReader.readOne(Files.readString(dir.resolve("index.edn")));
    assertThat(index).hasSizeGreaterThan(70);
    return index.stream().map(o -> (Map<?, ?>) o).map(entry -> {
      String file = (String) get(entry, "file");
      return DynamicTest.dynamicTest(file, () -> {
        Map<?, ?> opts = (Map<?, ?>) get(entry, "opts");
        CheckOptions.Workload w = CheckOptions.Workload.parse(((Keyword) get(entry, "workload")).name());
        List<String> models = opts.containsKey(Keyword.of("consistency-models"))
            ? names(get(opts, "consistency-models")) : List.of("strict-serializable");
        CheckOptions o = CheckOptions.strictSerializable(w).withModels(models)
            .withAnomalies(names(get(opts, "anomalies")))
            .withKeyAssumptions(Boolean.TRUE.equals(get(opts, "linearizable-keys?")),
                Boolean.TRUE.equals(get(opts, "sequential-keys?")),
                Boolean.TRUE.equals(get(opts, "wfr-keys?")))
            .withTransactionOrder(order(get(opts, "transaction-order")));
        CheckResult r = run(dir.resolve(file), o);
        assertThat(r.valid()).as(file + " valid? (" + r.toJson() + ")")
            .isEqualTo(validity(get(entry, "valid?")));
        assertThat(new TreeSet<>(r.anomalyTypes())).as(file + " anomaly types")
            .isEqualTo(new TreeSet<>(names(get(entry, "anomaly-types"))));
        Set<String> expectedNot = new TreeSet<>(names(get(entry, "not")));
        if (!"true".equals(r.valid())) {
          assertThat(r.not()).as(file + " :not").isEqualTo(expectedNot);
        }
      });
    });
  }

  @TestFactory
  Stream<DynamicTest> otherHistories() throws IOException {
    Path root = suite();
    List<?> index = (List<?>) EdnReader.readOne(Files.readString(root.resolve("other-index.edn")));
    assertThat(index).hasSize(8);
    return index.stream().map(o -> (Map<?, ?>) o).map(entry -> {
      String file = (String) get(entry, "file");
      return DynamicTest.dynamicTest(file, () -> {
        CheckOptions.Workload w = CheckOptions.Workload.parse(((Keyword) get(entry, "workload")).name());
        CheckOptions o = CheckOptions.strictSerializable(w).withModels(names(get(entry, "models")));
        CheckResult r = run(root.resolve(file), o);
        Map<?, ?> expected = (Map<?, ?>) get(entry, "elle-head");
        assertThat(r.valid()).as(file + " valid? (" + r.anomalyTypes() + ")")
            .isEqualTo(validity(get(expected, "valid?")));
        if (!file.endsWith("huge-scc.edn")) {
          assertThat(new TreeSet<>(r.anomalyTypes())).as(file + " anomaly types")
              .isEqualTo(new TreeSet<>(names(get(expected, "anomaly-types"))));
          assertThat(r.not()).as(file + " :not")
              .isEqualTo(new TreeSet<>(names(get(expected, "not"))));
        }
      });
    });
  }
}
