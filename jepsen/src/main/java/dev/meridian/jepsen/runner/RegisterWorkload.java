package dev.meridian.jepsen.runner;

import dev.meridian.jepsen.checker.CheckOptions;
import dev.meridian.jepsen.checker.CheckResult;
import dev.meridian.jepsen.checker.Checker;
import dev.meridian.jepsen.checker.HistoryReader;
import dev.meridian.runtime.RandomSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Jepsen's linearizable compare-and-set register over SQL, one register per key of {@code
 * jepsen_cas(k BIGINT PRIMARY KEY, v BIGINT)}, each operation one autocommitted statement: a read is
 * a point SELECT (nil when the key has no row), a write an UPSERT, a compare-and-set {@code UPDATE …
 * SET v = ? WHERE k = ? AND v = ?}, ok iff it updated one row and {@code :fail} if none (the
 * expected value was not there). Operations are Jepsen's independent ones: {@code :value [k v]},
 * for a cas {@code [k [old new]]}. Values are drawn from 0–4 as Jepsen's register test draws them, so
 * compare-and-sets often succeed; 8 keys are active at a time and each retires after 32 operations,
 * which bounds the linearizability search per key.
 *
 * <p>Outcomes: a failed read is {@code :fail} (it has no effect); a write or cas that fails with
 * 40001 or before its statement is sent is {@code :fail}; one that fails in any other way (40003, a
 * lost connection, a timeout) is {@code :info}, since the statement may have committed.
 */
final class RegisterWorkload implements Workload {

  static final String READ = "read";
  static final String WRITE = "write";
  static final String CAS = "cas";
  private static final int VALUES = 5;

  private final KeyPool keys = new KeyPool(8, 32);

  @Override
  public void setUp(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS jepsen_cas (k BIGINT PRIMARY KEY, v BIGINT)");
    }
  }

  @Override
  public Operation next(RandomSource random) {
    long key = keys.use(random);
    return switch (random.nextInt(3)) {
      case 0 -> read(key);
      case 1 -> new Operation(WRITE, Arrays.asList(key, (long) random.nextInt(VALUES)));
      default -> new Operation(CAS,
          Arrays.asList(key, Arrays.asList((long) random.nextInt(VALUES), (long) random.nextInt(VALUES))));
    };
  }

  private static Operation read(long key) {
    return new Operation(READ, Arrays.asList(key, null));
  }

  @Override
  public boolean autocommit() {
    return true;
  }

  @Override
  public String classify(Operation invocation, SQLException failure, boolean committing) {
    return invocation.f().equals(READ) ? Outcomes.FAIL : Outcomes.ofFailure(failure, committing);
  }

  @Override
  public List<Operation> warmUp() {
    return List.of(read(-1), new Operation(WRITE, Arrays.asList(-1L, 0L)),
        new Operation(CAS, Arrays.asList(-1L, Arrays.asList(0L, 1L))));
  }

  @Override
  public List<Operation> finalReads() {
    List<Operation> reads = new ArrayList<>();
    for (long key : keys.everUsed()) {
      reads.add(read(key));
    }
    return reads;
  }

  @Override
  public Session open(Connection connection) throws SQLException {
    PreparedStatement read = connection.prepareStatement("SELECT v FROM jepsen_cas WHERE k = ?");
    PreparedStatement write = connection.prepareStatement("UPSERT INTO jepsen_cas (k, v) VALUES (?, ?)");
    // Plain parameters: CAST(? AS BIGINT) in a SET clause stores NULL in this version (filed with M12).
    PreparedStatement cas = connection.prepareStatement("UPDATE jepsen_cas SET v = ? WHERE k = ? AND v = ?");
    return new Session() {
      @Override
      public Object perform(Operation invocation) throws SQLException, Declined {
        List<?> kv = (List<?>) invocation.value();
        long key = (Long) kv.get(0);
        switch (invocation.f()) {
          case READ -> {
            read.setLong(1, key);
            try (ResultSet rs = read.executeQuery()) {
              return Arrays.asList(key, rs.next() ? rs.getLong(1) : null);
            }
          }
          case WRITE -> {
            write.setLong(1, key);
            write.setLong(2, (Long) kv.get(1));
            write.executeUpdate();
            return kv;
          }
          default -> {
            List<?> oldNew = (List<?>) kv.get(1);
            cas.setLong(1, (Long) oldNew.get(1));
            cas.setLong(2, key);
            cas.setLong(3, (Long) oldNew.get(0));
            int updated = cas.executeUpdate();
            if (updated == 0) {
              throw new Declined("the register did not hold " + oldNew.get(0));
            }
            if (updated != 1) {
              throw new SQLException("a compare-and-set of key " + key + " updated " + updated + " rows", "XX000");
            }
            return kv;
          }
        }
      }

      @Override
      public void close() throws SQLException {
        try (read; write; cas) {
          // closes all three
        }
      }
    };
  }

  @Override
  public CheckResult check(Path history) throws IOException {
    // The runner's heap is bounded; the search's memo gets half of it at most, as check's does.
    CheckOptions options = CheckOptions.strictSerializable(CheckOptions.Workload.REGISTER).withMemoBudgetBytes(
        Math.min(CheckOptions.DEFAULT_MEMO_BUDGET_BYTES, Runtime.getRuntime().maxMemory() / 2));
    return Checker.check(HistoryReader.readRegister(history, HistoryReader.Format.EDN), options);
  }
}
