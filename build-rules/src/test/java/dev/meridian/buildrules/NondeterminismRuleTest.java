package dev.meridian.buildrules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md §1: only the server, the real runtime package and tests may create threads, read the
 * system clock or make unseeded randomness. Everything else receives those through runtime interfaces,
 * which is what lets the simulator run it deterministically.
 *
 * <p>The rule reads the compiled main classes of every module in the repository ({@link
 * RepositoryClasses}), so a new module is covered without being listed here. This module depends
 * on the server, which depends on all the rest, so Maven builds them first.
 */
class NondeterminismRuleTest {

  /**
   * Packages allowed to touch threads, clocks and unseeded randomness: the node process, the real
   * runtime, and black-box clients that measure, load or test a running node from outside (never
   * protocol code). Of jepsen only the runner is exempt: its checker runs inside the simulator and
   * stays deterministic.
   */
  static final List<String> EXEMPT_PACKAGES =
      List.of("dev.meridian.server", "dev.meridian.runtime.real", "dev.meridian.conformance",
          "dev.meridian.bench", "dev.meridian.shell", "dev.meridian.jepsen.runner");

  private static JavaClasses mainClasses;
  private static List<Path> moduleClassDirs;

  @BeforeAll
  static void importEveryModule() {
    moduleClassDirs = RepositoryClasses.moduleClassDirs();
    mainClasses = RepositoryClasses.main();
  }

  @Test
  void everyModuleIsChecked() {
    assertThat(moduleClassDirs).extracting(dir -> dir.getParent().getParent().getFileName().toString())
        .contains("runtime", "truetime", "storage", "paxos", "txn-layer", "sql-frontend", "server",
            "jdbc-driver", "jepsen");
    assertThat(mainClasses.containPackage("dev.meridian.txn")).isTrue();
  }

  @Test
  void protocolCodeDoesNotReadTheSystemClock() {
    rule(
            "read the system clock (receive a Scheduler or PhysicalClock instead)",
            call(System.class, "currentTimeMillis"),
            call(System.class, "nanoTime"),
            callOn("java.time.Instant", "now"),
            callOn("java.time.Clock", "systemUTC"),
            callOn("java.time.Clock", "systemDefaultZone"),
            callOn("java.time.LocalDateTime", "now"),
            callOn("java.time.LocalDate", "now"))
        .check(mainClasses);
  }

  @Test
  void protocolCodeDoesNotCreateThreads() {
    ArchRule rule =
        noClasses()
            .that(outsideExemptPackages())
            .should()
            .callConstructorWhere(
                described(
                    "a constructor of java.lang.Thread or a subclass",
                    call -> call.getTargetOwner().isAssignableTo(Thread.class)))
            .orShould()
            .callMethodWhere(
                described(
                    "a method of java.util.concurrent.Executors",
                    call -> call.getTargetOwner().isEquivalentTo(Executors.class)))
            .orShould()
            .callMethodWhere(
                described(
                    "Thread.ofPlatform/ofVirtual/startVirtualThread",
                    call ->
                        call.getTargetOwner().isEquivalentTo(Thread.class)
                            && List.of("ofPlatform", "ofVirtual", "startVirtualThread")
                                .contains(call.getName())))
            .because("DESIGN.md §1: threads come from runtime.real or the server (pass a "
                + "Scheduler, Executor or ThreadFactory in)");
    rule.check(mainClasses);
  }

  @Test
  void protocolCodeUsesOnlySeededRandomness() {
    ArchRule rule =
        noClasses()
            .that(outsideExemptPackages())
            .should()
            .callConstructorWhere(
                described(
                    "new java.util.Random / SecureRandom",
                    call -> call.getTargetOwner().isAssignableTo(java.util.Random.class)))
            .orShould()
            .dependOnClassesThat()
            .areAssignableTo(ThreadLocalRandom.class)
            .orShould()
            .callMethodWhere(
                described(
                    "Math.random",
                    call ->
                        call.getTargetOwner().isEquivalentTo(Math.class)
                            && call.getName().equals("random")))
            .because("DESIGN.md §1: randomness comes from a seeded RandomSource");
    rule.check(mainClasses);
  }

  private static DescribedPredicate<JavaClass> outsideExemptPackages() {
    return DescribedPredicate.describe(
        "are outside " + EXEMPT_PACKAGES,
        javaClass ->
            EXEMPT_PACKAGES.stream()
                .noneMatch(
                    pkg ->
                        javaClass.getPackageName().equals(pkg)
                            || javaClass.getPackageName().startsWith(pkg + ".")));
  }

  private record MethodRef(String owner, String name) {}

  private static MethodRef call(Class<?> owner, String name) {
    return new MethodRef(owner.getName(), name);
  }

  private static MethodRef callOn(String owner, String name) {
    return new MethodRef(owner, name);
  }

  private static ArchRule rule(String what, MethodRef... forbidden) {
    List<MethodRef> refs = List.of(forbidden);
    return noClasses()
        .that(outsideExemptPackages())
        .should()
        .callMethodWhere(
            described(
                what,
                call ->
                    refs.stream()
                        .anyMatch(
                            ref ->
                                call.getTargetOwner().getName().equals(ref.owner())
                                    && call.getName().equals(ref.name()))))
        .because("DESIGN.md §1: protocol code must not " + what);
  }

  private static <T> DescribedPredicate<T> described(
      String description, java.util.function.Predicate<T> predicate) {
    return DescribedPredicate.describe(description, predicate);
  }

}
