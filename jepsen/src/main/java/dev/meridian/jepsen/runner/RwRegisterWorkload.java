package dev.meridian.jepsen.runner;

import dev.meridian.jepsen.checker.CheckOptions;
import dev.meridian.jepsen.checker.CheckResult;
import dev.meridian.jepsen.checker.Keyword;
import dev.meridian.runtime.RandomSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Elle's rw-register over SQL: one row per key in {@code jepsen_register(k BIGINT PRIMARY KEY, v
 * BIGINT)}; a write is an UPSERT of a value never written to that key before, a read a point SELECT
 * (nil when the key has no row).
 */
final class RwRegisterWorkload implements Workload {

  static final Keyword WRITE = Keyword.of("w");
  static final Keyword READ = Keyword.of("r");
  private static final int MAX_MOPS = 4;

  private final KeyPool keys = new KeyPool(8, 32);

  @Override
  public void setUp(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS jepsen_register (k BIGINT PRIMARY KEY, v BIGINT)");
    }
  }

  @Override
  public Operation next(RandomSource random) {
    return ListAppendWorkload.txn(keys.transaction(random, MAX_MOPS, WRITE));
  }

  @Override
  public List<Operation> warmUp() {
    return List.of(ListAppendWorkload.txn(
        List.of(ListAppendWorkload.mop(READ, -1, null), ListAppendWorkload.mop(WRITE, -1, 0L))));
  }

  @Override
  public List<Operation> finalReads() {
    List<Operation> transactions = new ArrayList<>();
    for (long key : keys.everUsed()) {
      transactions.add(ListAppendWorkload.txn(List.of(ListAppendWorkload.mop(READ, key, null))));
    }
    return transactions;
  }

  @Override
  public Session open(Connection connection) throws SQLException {
    PreparedStatement read = connection.prepareStatement("SELECT v FROM jepsen_register WHERE k = ?");
    PreparedStatement write = connection.prepareStatement("UPSERT INTO jepsen_register (k, v) VALUES (?, ?)");
    return new Session() {
      @Override
      public Object perform(Operation invocation) throws SQLException {
        List<List<Object>> mops = ListAppendWorkload.mops(invocation);
        List<List<Object>> completed = new ArrayList<>(mops.size());
        for (List<Object> mop : mops) {
          long key = (Long) mop.get(1);
          if (mop.get(0).equals(READ)) {
            read.setLong(1, key);
            try (ResultSet rs = read.executeQuery()) {
              completed.add(ListAppendWorkload.mop(READ, key, rs.next() ? rs.getLong(1) : null));
            }
          } else {
            write.setLong(1, key);
            write.setLong(2, ((Number) mop.get(2)).longValue());
            write.executeUpdate();
            completed.add(mop);
          }
        }
        return completed;
      }

      @Override
      public void close() throws SQLException {
        try (read; write) {
          // closes both
        }
      }
    };
  }

  @Override
  public CheckResult check(Path history) throws IOException {
    return Workload.strictSerializable(history, CheckOptions.Workload.RW_REGISTER);
  }
}
