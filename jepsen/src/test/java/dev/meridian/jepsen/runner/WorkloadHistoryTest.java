package dev.meridian.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.jepsen.checker.BankChecker;
import dev.meridian.jepsen.checker.CheckResult;
import dev.meridian.jepsen.checker.Keyword;
import dev.meridian.runtime.RandomSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bank and register workloads' operations as the runner logs them ({@link HistoryLog}) are what
 * their checkers read: a history written through the log gets the verdict it deserves.
 */
class WorkloadHistoryTest {

  @TempDir Path dir;

  @Test
  void registerOperationsAreIndependentKeyedCasRegisterOps() throws Exception {
    RegisterWorkload workload = new RegisterWorkload();
    RandomSource random = RandomSource.seeded(9);
    for (int i = 0; i < 200; i++) {
      Workload.Operation op = workload.next(random);
      List<?> kv = (List<?>) op.value();
      assertThat(kv).hasSize(2);
      assertThat(op.f()).isIn(RegisterWorkload.READ, RegisterWorkload.WRITE, RegisterWorkload.CAS);
      if (op.f().equals(RegisterWorkload.CAS)) {
        assertThat((List<?>) kv.get(1)).hasSize(2);
      }
    }
    assertThat(workload.finalReads()).hasSizeGreaterThan(8).allMatch(op -> op.f().equals(RegisterWorkload.READ));

    Path valid = history("valid", log -> {
      long w = log.invoke(0, write(3, 1));
      log.complete(0, Outcomes.OK, write(3, 1), w, null);
      long c = log.invoke(1, cas(3, 1, 2));
      log.complete(1, Outcomes.OK, cas(3, 1, 2), c, null);
      long f = log.invoke(2, cas(3, 4, 0));
      log.complete(2, Outcomes.FAIL, cas(3, 4, 0), f, "the register did not hold 4");
      long r = log.invoke(0, read(3, null));
      log.complete(0, Outcomes.OK, read(3, 2L), r, null);
    });
    assertThat(workload.check(valid).valid()).isEqualTo("true");

    Path stale = history("stale", log -> {
      long w = log.invoke(0, write(3, 1));
      log.complete(0, Outcomes.OK, write(3, 1), w, null);
      long r = log.invoke(1, read(3, null));
      log.complete(1, Outcomes.OK, read(3, 0L), r, null);
      long other = log.invoke(2, read(4, null));
      log.complete(2, Outcomes.OK, read(4, null), other, null);
    });
    CheckResult check = workload.check(stale);
    assertThat(check.valid()).isEqualTo("false");
    assertThat(check.toJson()).contains("nonlinearizable");
  }

  @Test
  void anIndeterminateWriteMayHaveHappenedButAFailedReadDidNothing() {
    RegisterWorkload register = new RegisterWorkload();
    SQLException unknown = new SQLException("unknown", "40003");
    assertThat(register.classify(read(1, null), unknown, true)).isEqualTo(Outcomes.FAIL);
    assertThat(register.classify(write(1, 2), unknown, true)).isEqualTo(Outcomes.INFO);
    assertThat(register.classify(write(1, 2), new SQLException("lost", "08006"), true)).isEqualTo(Outcomes.INFO);
    assertThat(register.classify(write(1, 2), unknown, false)).as("never sent").isEqualTo(Outcomes.FAIL);
    assertThat(register.classify(cas(1, 2, 3), new SQLException("conflict", "40001"), true))
        .isEqualTo(Outcomes.FAIL);
    assertThat(register.autocommit()).isTrue();
    assertThat(new BankWorkload().classify(new Workload.Operation(BankWorkload.READ, null), unknown, true))
        .isEqualTo(Outcomes.FAIL);
  }

  @Test
  void bankTransfersMoveMoneyBetweenTwoAccountsAndReadsAreLoggedAsBalances() throws Exception {
    BankWorkload workload = new BankWorkload();
    RandomSource random = RandomSource.seeded(5);
    int stale = 0;
    int reads = 0;
    for (int i = 0; i < 400; i++) {
      Workload.Operation op = workload.next(random);
      if (op.f().equals(BankWorkload.TRANSFER)) {
        Map<?, ?> v = (Map<?, ?>) op.value();
        assertThat(v.get(Keyword.of("from"))).isNotEqualTo(v.get(Keyword.of("to")));
        assertThat((Long) v.get(Keyword.of("amount"))).isBetween(1L, (long) BankWorkload.MAX_TRANSFER);
        assertThat((Long) v.get(Keyword.of("to"))).isBetween(0L, BankWorkload.ACCOUNTS - 1L);
      } else {
        reads++;
        stale += op.extra().get("staleness").equals(BankWorkload.STALENESS) ? 1 : 0;
      }
    }
    assertThat(reads).isBetween(150, 250);
    assertThat(stale).as("some reads are stale, most strong").isBetween(1, reads / 2);

    Map<Long, Long> even = balances(10, 10, 10, 10, 10, 10, 10, 10);
    Map<Long, Long> torn = balances(7, 10, 10, 10, 10, 10, 10, 10);
    Path history = history("bank", log -> {
      Workload.Operation read = workload.finalReads().getFirst();
      long a = log.invoke(0, read);
      log.complete(0, Outcomes.OK, read.withValue(even), a, null);
      long b = log.invoke(1, read);
      log.complete(1, Outcomes.OK, read.withValue(torn), b, null);
    });
    assertThat(Files.readString(history)).contains(":f :read, :value {0 10, 1 10, 2 10", ":staleness \"strong\"");
    CheckResult check = workload.check(history);
    assertThat(check.valid()).isEqualTo("false");
    assertThat(check.anomalies().get(BankChecker.WRONG_TOTAL)).hasSize(1)
        .allMatch(bad -> ((Map<?, ?>) bad).get("index").equals(3L));
  }

  private interface Events {
    void log(HistoryLog log) throws Exception;
  }

  private Path history(String name, Events events) throws Exception {
    Path file = dir.resolve(name + ".edn");
    try (HistoryLog log = new HistoryLog(file, System.nanoTime())) {
      events.log(log);
    }
    return file;
  }

  private static Map<Long, Long> balances(long... values) {
    Map<Long, Long> m = new TreeMap<>();
    for (int i = 0; i < values.length; i++) {
      m.put((long) i, values[i]);
    }
    return m;
  }

  private static Workload.Operation read(long key, Long value) {
    return new Workload.Operation(RegisterWorkload.READ, Arrays.asList(key, value));
  }

  private static Workload.Operation write(long key, long value) {
    return new Workload.Operation(RegisterWorkload.WRITE, Arrays.asList(key, value));
  }

  private static Workload.Operation cas(long key, long expected, long replacement) {
    return new Workload.Operation(RegisterWorkload.CAS, Arrays.asList(key, Arrays.asList(expected, replacement)));
  }
}
