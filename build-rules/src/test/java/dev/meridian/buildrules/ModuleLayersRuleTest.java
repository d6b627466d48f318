package dev.meridian.buildrules;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md §1: module dependencies flow downward only. Maven already refuses a reference to a
 * module a pom does not depend on; this rule checks the code against the design's table, so a new
 * dependency that turns the layering upside down (storage on paxos, the driver on the server's
 * classes, the checker on the database) fails the build with the design's reason, whatever the poms
 * say.
 *
 * <p>Each module is its package ({@code dev.meridian.<name>..}), and every class under {@code
 * dev.meridian} must belong to one: a new module is refused until it has a row here. A module may
 * use what its row in {@link #DESIGN_TABLE} names and, through them, everything they may use (the
 * table lists direct dependencies, as DESIGN §1 does). What today's code uses beyond the table is in
 * {@link #DEPARTURES}, one line each with its reason, so a departure is written down rather than
 * allowed silently; each of those must be either removed from the code or moved into DESIGN §1.
 *
 * <p>{@link PlantedLayerViolationsTest} shows that the rule fails on planted upward dependencies.
 */
class ModuleLayersRuleTest {

  /** DESIGN.md §1's "depends on" column, word for word ("all above" for server spelled out). */
  static final Map<String, Set<String>> DESIGN_TABLE = table(
      "runtime", Set.of(),
      "truetime", Set.of("runtime"),
      "storage", Set.of("runtime"),
      "paxos", Set.of("runtime", "truetime", "storage"),
      "txn", Set.of("paxos", "storage", "truetime"),
      "sql", Set.of("txn"),
      "server", Set.of("runtime", "truetime", "storage", "paxos", "txn", "sql"),
      // avatica-core only: shaded into one jar, so it may not drag in any Meridian module.
      "jdbc", Set.of(),
      "jepsen", Set.of("jdbc"),
      "sim", Set.of("txn", "paxos", "storage", "truetime", "jepsen"),
      "bench", Set.of("jdbc"),
      // Modules DESIGN §1's table does not list yet; each is a client at the top.
      "conformance", Set.of("jdbc", "runtime"),
      "shell", Set.of("jdbc"),
      "hibernate", Set.of());

  /**
   * Known departures from {@link #DESIGN_TABLE}: what today's code uses beyond it, and why. Not
   * closed transitively: only what is listed.
   */
  static final Map<String, Set<String>> DEPARTURES = table(
      // bench-commit runs a node in process (server's LocalNode over txn, storage and truetime);
      // bench-paxos and bench-failover start paxos-node processes through server's test-jar harness
      // (dev.meridian.server.testing). DESIGN §1 has bench on jdbc-driver only; noted in bench/pom.xml.
      "bench", Set.of("server", "txn", "storage", "truetime"),
      // The checker and the workload generators draw from runtime's seeded RandomSource, so a history
      // is reproducible from its seed and the simulator can run them; DESIGN §1 lists jdbc-driver only.
      "jepsen", Set.of("runtime"));

  @Test
  void moduleDependenciesFlowDownward() {
    moduleLayers(true).check(RepositoryClasses.main());
  }

  /**
   * The rule over {@link #DESIGN_TABLE} and {@link #DEPARTURES}. With {@code everyModulePresent},
   * a module whose package has no classes fails too (a renamed package would otherwise escape the
   * rule); the planted-violation tests check a handful of classes and turn that off.
   */
  static LayeredArchitecture moduleLayers(boolean everyModulePresent) {
    LayeredArchitecture layers = layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .ensureAllClassesAreContainedInArchitectureIgnoring(DescribedPredicate.describe(
            "classes outside dev.meridian", (JavaClass c) -> !c.getPackageName().startsWith("dev.meridian.")))
        .withOptionalLayers(!everyModulePresent);
    for (String module : DESIGN_TABLE.keySet()) {
      layers = layers.layer(module).definedBy("dev.meridian." + module + "..");
    }
    for (String module : DESIGN_TABLE.keySet()) {
      Set<String> allowed = allowed(module);
      layers = allowed.isEmpty()
          ? layers.whereLayer(module).mayNotAccessAnyLayer()
          : layers.whereLayer(module).mayOnlyAccessLayers(allowed.toArray(String[]::new));
    }
    return layers.as("module dependencies flow downward (DESIGN.md §1)");
  }

  /** What {@code module}'s classes may use: its table row, closed transitively, and its departures. */
  static Set<String> allowed(String module) {
    Set<String> allowed = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>(DESIGN_TABLE.get(module));
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (allowed.add(next)) {
        todo.addAll(DESIGN_TABLE.get(next));
      }
    }
    allowed.addAll(DEPARTURES.getOrDefault(module, Set.of()));
    return allowed;
  }

  private static Map<String, Set<String>> table(Object... rows) {
    Map<String, Set<String>> table = new LinkedHashMap<>();
    for (int i = 0; i < rows.length; i += 2) {
      @SuppressWarnings("unchecked")
      Set<String> dependsOn = (Set<String>) rows[i + 1];
      table.put((String) rows[i], dependsOn);
    }
    return table;
  }
}
