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
 * Elle's list-append over SQL. One row per key in {@code jepsen_append(k BIGINT PRIMARY KEY, v
 * VARCHAR)}; the list is {@code v}, each element written as {@code ,<n>}. A read is a point SELECT;
 * an append reads the row the same way and UPSERTs it with the element added, so it is a
 * read-modify-write inside the transaction, which serializability must keep atomic. (Written before
 * {@code UPDATE … SET v = v || CAST(? AS VARCHAR)} worked: it stored NULL, because the planner folded
 * the cast while the parameter was unbound — the runner's first find, fixed in sql-frontend with
 * DynamicParameterTest and e2e ParameterIT.) A transaction reads its own earlier appends, as Elle
 * expects.
 */
final class ListAppendWorkload implements Workload {

  static final Keyword APPEND = Keyword.of("append");
  static final Keyword READ = Keyword.of("r");
  private static final int MAX_MOPS = 4;

  private final KeyPool keys = new KeyPool(8, 32);

  @Override
  public void setUp(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS jepsen_append (k BIGINT PRIMARY KEY, v VARCHAR(4000))");
    }
  }

  @Override
  public Operation next(RandomSource random) {
    return txn(keys.transaction(random, MAX_MOPS, APPEND));
  }

  @Override
  public List<Operation> warmUp() {
    return List.of(txn(List.of(mop(READ, -1, null), mop(APPEND, -1, 0L))));
  }

  @Override
  public List<Operation> finalReads() {
    List<Operation> transactions = new ArrayList<>();
    List<List<Object>> current = new ArrayList<>();
    for (long key : keys.everUsed()) {
      current.add(mop(READ, key, null));
      if (current.size() == 16) {
        transactions.add(txn(current));
        current = new ArrayList<>();
      }
    }
    if (!current.isEmpty()) {
      transactions.add(txn(current));
    }
    return transactions;
  }

  @Override
  public Session open(Connection connection) throws SQLException {
    PreparedStatement read = connection.prepareStatement("SELECT v FROM jepsen_append WHERE k = ?");
    PreparedStatement write = connection.prepareStatement("UPSERT INTO jepsen_append (k, v) VALUES (?, ?)");
    return new Session() {
      @Override
      public Object perform(Operation invocation) throws SQLException {
        List<List<Object>> mops = mops(invocation);
        List<List<Object>> completed = new ArrayList<>(mops.size());
        for (List<Object> mop : mops) {
          long key = (Long) mop.get(1);
          read.setLong(1, key);
          String stored;
          try (ResultSet rs = read.executeQuery()) {
            stored = rs.next() ? rs.getString(1) : null;
          }
          if (mop.get(0).equals(READ)) {
            completed.add(mop(READ, key, stored == null ? List.of() : parse(stored)));
          } else {
            write.setLong(1, key);
            write.setString(2, (stored == null ? "" : stored) + "," + mop.get(2));
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
    return Workload.strictSerializable(history, CheckOptions.Workload.LIST_APPEND);
  }

  static List<Object> parse(String stored) {
    List<Object> elements = new ArrayList<>();
    for (String part : stored.split(",")) {
      if (!part.isEmpty()) {
        elements.add(Long.parseLong(part));
      }
    }
    return elements;
  }

  /** A transaction of micro-operations, Elle's {@code :f :txn}. */
  static Operation txn(List<List<Object>> mops) {
    return new Operation("txn", mops);
  }

  @SuppressWarnings("unchecked")
  static List<List<Object>> mops(Operation txn) {
    return (List<List<Object>>) txn.value();
  }

  static List<Object> mop(Keyword kind, long key, Object value) {
    List<Object> mop = new ArrayList<>(3);
    mop.add(kind);
    mop.add(key);
    mop.add(value);
    return mop;
  }
}
