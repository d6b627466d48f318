package dev.meridian.buildrules;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.meridian.bench.planted.BenchUsesPlanner;
import dev.meridian.bench.planted.BenchUsesServer;
import dev.meridian.jdbc.planted.DriverUsesRuntime;
import dev.meridian.paxos.planted.PaxosUsesTxn;
import dev.meridian.sim.planted.SimUsesChecker;
import dev.meridian.sim.planted.SimUsesServer;
import dev.meridian.storage.planted.StorageUsesPaxos;
import dev.meridian.unlisted.planted.UnlistedModule;
import org.junit.jupiter.api.Test;

/**
 * {@link ModuleLayersRuleTest}'s rule against planted classes (in this module's test sources, under
 * the packages of the modules they pretend to belong to): each upward dependency fails it, naming
 * the class, and the uses the table or a listed departure allows pass, so the rule is neither
 * blind nor failing on everything.
 */
class PlantedLayerViolationsTest {

  @Test
  void anUpwardDependencyFails() {
    assertViolation(StorageUsesPaxos.class, "dev.meridian.paxos.types.Slot");
    assertViolation(PaxosUsesTxn.class, "dev.meridian.txn.TimestampBound");
    assertViolation(SimUsesServer.class, "dev.meridian.server.Main");
  }

  @Test
  void theDriverMayUseNoMeridianModule() {
    assertViolation(DriverUsesRuntime.class, "dev.meridian.runtime.NodeId");
  }

  @Test
  void aDepartureAllowsOnlyWhatItNames() {
    assertThat(evaluate(BenchUsesServer.class).hasViolation()).isFalse();
    assertViolation(BenchUsesPlanner.class, "dev.meridian.sql.exec.Session");
  }

  @Test
  void whatTheTableAllowsPasses() {
    assertThat(evaluate(SimUsesChecker.class).getFailureReport().getDetails()).isEmpty();
  }

  @Test
  void aPackageOfNoModuleFails() {
    assertViolation(UnlistedModule.class, "is not contained in architecture");
  }

  private static EvaluationResult evaluate(Class<?> planted) {
    return ModuleLayersRuleTest.moduleLayers(false).evaluate(new ClassFileImporter().importClasses(planted));
  }

  private static void assertViolation(Class<?> planted, String naming) {
    EvaluationResult result = evaluate(planted);
    assertThat(result.hasViolation()).as("%s breaks the layering", planted.getSimpleName()).isTrue();
    assertThat(String.join("\n", result.getFailureReport().getDetails()))
        .contains(planted.getName())
        .contains(naming);
  }
}
