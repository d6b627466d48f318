package dev.meridian.buildrules;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md §1: module dependencies flow downward only. Maven already refuses a reference to a
 * module a pom does not depend on; this rule checks the poms themselves against the design's
 * table, so a new dependency that turns the layering upside down (storage on paxos, the driver on
 * the server's classes, the checker on the database) fails the build with the design's reason.
 *
 * <p>Each module is its package ({@code dev.meridian.<name>..}). What may use what:
 * <pre>
 *   runtime      ← everything but the JDBC driver (which is Avatica only, shaded into one jar)
 *   truetime     ← paxos, txn, sql, server, sim, bench
 *   storage      ← paxos, txn, sql, server, sim, bench
 *   paxos        ← txn, server, sim
 *   txn          ← sql, server, sim, bench
 *   sql          ← server
 *   jdbc         ← jepsen, bench, conformance (black-box clients)
 *   jepsen       ← sim (its checker), server (bin/meridian check)
 *   server       ← bench (the in-process and process-cluster benchmarks; bench is the top layer)
 *   sim, bench, conformance, hibernate ← nothing
 * </pre>
 */
class ModuleLayersRuleTest {

  @Test
  void moduleDependenciesFlowDownward() {
    ArchRule layers = layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("runtime").definedBy("dev.meridian.runtime..")
        .layer("truetime").definedBy("dev.meridian.truetime..")
        .layer("storage").definedBy("dev.meridian.storage..")
        .layer("paxos").definedBy("dev.meridian.paxos..")
        .layer("txn").definedBy("dev.meridian.txn..")
        .layer("sql").definedBy("dev.meridian.sql..")
        .layer("server").definedBy("dev.meridian.server..")
        .layer("jdbc").definedBy("dev.meridian.jdbc..")
        .layer("jepsen").definedBy("dev.meridian.jepsen..")
        .layer("sim").definedBy("dev.meridian.sim..")
        .layer("bench").definedBy("dev.meridian.bench..")
        .layer("conformance").definedBy("dev.meridian.conformance..")
        .optionalLayer("hibernate").definedBy("dev.meridian.hibernate..")
        .whereLayer("runtime").mayOnlyBeAccessedByLayers(
            "truetime", "storage", "paxos", "txn", "sql", "server", "jepsen", "sim", "bench", "conformance")
        .whereLayer("truetime").mayOnlyBeAccessedByLayers("paxos", "txn", "sql", "server", "sim", "bench")
        .whereLayer("storage").mayOnlyBeAccessedByLayers("paxos", "txn", "sql", "server", "sim", "bench")
        .whereLayer("paxos").mayOnlyBeAccessedByLayers("txn", "server", "sim")
        .whereLayer("txn").mayOnlyBeAccessedByLayers("sql", "server", "sim", "bench")
        .whereLayer("sql").mayOnlyBeAccessedByLayers("server")
        .whereLayer("jdbc").mayOnlyBeAccessedByLayers("jepsen", "bench", "conformance")
        .whereLayer("jepsen").mayOnlyBeAccessedByLayers("sim", "server")
        .whereLayer("server").mayOnlyBeAccessedByLayers("bench")
        .whereLayer("sim").mayNotBeAccessedByAnyLayer()
        .whereLayer("bench").mayNotBeAccessedByAnyLayer()
        .whereLayer("conformance").mayNotBeAccessedByAnyLayer()
        .whereLayer("hibernate").mayNotBeAccessedByAnyLayer()
        .because("DESIGN.md §1: dependencies flow downward only");
    layers.check(RepositoryClasses.main());
  }
}
