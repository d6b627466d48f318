package dev.meridian.jepsen.runner;

import dev.meridian.jepsen.checker.BankChecker;
import dev.meridian.jepsen.checker.CheckCommand;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Jepsen's bank over SQL: {@value #ACCOUNTS} accounts in {@code jepsen_bank(id BIGINT PRIMARY KEY,
 * balance BIGINT)} holding {@value #TOTAL} in all. A transfer ({@code {:f :transfer, :value {:from a,
 * :to b, :amount n}}}) is a read-write transaction that reads both balances and, if the source holds
 * at least the amount, UPSERTs both (otherwise it is declined: {@code :fail}, nothing written), so
 * no committed state has a negative balance. A read ({@code {:f :read, :value {account balance,
 * …}}}) selects the whole table in a read-only transaction: strong, or — a quarter of reads — at
 * exact staleness {@value #STALENESS} ({@code SET READ_STALENESS}), logged as {@code :staleness}.
 * Serializability, and snapshot reads at any timestamp, mean every read sees the total exactly
 * ({@link BankChecker}).
 *
 * <p>The connection switches between read-write (transfers) and read-only (reads) between
 * transactions; the session tracks the mode and staleness it set, and sets both when it opens.
 * (The first run found read-write transactions refused as read-only: see {@link #setReadOnly}.)
 */
final class BankWorkload implements Workload {

  static final int ACCOUNTS = CheckCommand.DEFAULT_BANK_ACCOUNTS;
  static final long TOTAL = CheckCommand.DEFAULT_BANK_TOTAL;
  static final int MAX_TRANSFER = 5;
  static final String STALENESS = "1s";
  static final String TRANSFER = "transfer";
  static final String READ = "read";
  private static final String STRONG = "strong";
  private static final Keyword FROM = Keyword.of("from");
  private static final Keyword TO = Keyword.of("to");
  private static final Keyword AMOUNT = Keyword.of("amount");
  /** How long set-up waits for a stale read to see the accounts (they must exist {@value #STALENESS} ago). */
  private static final int SETUP_STALE_READ_ATTEMPTS = 50;

  @Override
  public void setUp(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS jepsen_bank (id BIGINT PRIMARY KEY, balance BIGINT)");
      connection.setAutoCommit(false);
      for (int account = 0; account < ACCOUNTS; account++) {
        statement.executeUpdate("UPSERT INTO jepsen_bank (id, balance) VALUES (" + account + ", "
            + TOTAL / ACCOUNTS + ")");
      }
      connection.commit();
    }
    awaitStaleReads(connection);
  }

  /**
   * Waits until a read {@value #STALENESS} stale sees every account, so the clients' stale reads do
   * not see the table before it was filled (which would be a wrong total the database did not make).
   */
  private static void awaitStaleReads(Connection connection) throws SQLException {
    SQLException last = null;
    try (Session session = open(connection, true)) {
      for (int attempt = 0; attempt < SETUP_STALE_READ_ATTEMPTS; attempt++) {
        try {
          Map<?, ?> seen = (Map<?, ?>) session.perform(read(true));
          connection.commit();
          if (seen.size() == ACCOUNTS) {
            return;
          }
        } catch (SQLException e) {
          last = e;
          connection.rollback();
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted while waiting for stale reads to see the accounts", "57014", e);
        }
      }
    } catch (Declined e) {
      throw new IllegalStateException("reads are never declined", e);
    }
    throw new SQLException("reads " + STALENESS + " stale still do not see the " + ACCOUNTS + " accounts", "XX000",
        last);
  }

  @Override
  public Operation next(RandomSource random) {
    if (random.chance(0.5)) {
      return read(random.chance(0.25));
    }
    long from = random.nextInt(ACCOUNTS);
    long to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
    return transfer(from, to, 1 + random.nextInt(MAX_TRANSFER));
  }

  private static Operation read(boolean stale) {
    return new Operation(READ, null, Map.of("staleness", stale ? STALENESS : STRONG));
  }

  private static Operation transfer(long from, long to, long amount) {
    Map<Keyword, Object> value = new LinkedHashMap<>();
    value.put(FROM, from);
    value.put(TO, to);
    value.put(AMOUNT, amount);
    return new Operation(TRANSFER, value);
  }

  @Override
  public String classify(Operation invocation, SQLException failure, boolean committing) {
    // A read has no effect, whatever became of it.
    return invocation.f().equals(READ) ? Outcomes.FAIL : Outcomes.ofFailure(failure, committing);
  }

  @Override
  public List<Operation> warmUp() {
    return List.of(transfer(0, 1, 1), read(false), read(true));
  }

  @Override
  public List<Operation> finalReads() {
    return List.of(read(false));
  }

  @Override
  public Session open(Connection connection) throws SQLException {
    return open(connection, false);
  }

  private static Session open(Connection connection, boolean readOnly) throws SQLException {
    PreparedStatement balance = connection.prepareStatement("SELECT balance FROM jepsen_bank WHERE id = ?");
    PreparedStatement write = connection.prepareStatement("UPSERT INTO jepsen_bank (id, balance) VALUES (?, ?)");
    PreparedStatement all = connection.prepareStatement("SELECT id, balance FROM jepsen_bank");
    Statement settings = connection.createStatement();
    setReadOnly(connection, readOnly);
    settings.execute("SET READ_STALENESS = '" + STRONG + "'");
    return new Session() {
      private boolean readOnlyNow = readOnly;
      private String stalenessNow = STRONG;

      @Override
      public Object perform(Operation invocation) throws SQLException, Declined {
        if (invocation.f().equals(READ)) {
          mode(true, (String) invocation.extra().get("staleness"));
          Map<Long, Long> balances = new TreeMap<>();
          try (ResultSet rs = all.executeQuery()) {
            while (rs.next()) {
              balances.put(rs.getLong(1), rs.getLong(2));
            }
          }
          return balances;
        }
        mode(false, stalenessNow);
        Map<?, ?> value = (Map<?, ?>) invocation.value();
        long from = (Long) value.get(FROM);
        long to = (Long) value.get(TO);
        long amount = (Long) value.get(AMOUNT);
        Long fromBalance = balanceOf(from);
        Long toBalance = balanceOf(to);
        if (fromBalance == null || toBalance == null) {
          throw new Declined("account " + (fromBalance == null ? from : to) + " has no row");
        }
        if (fromBalance < amount) {
          throw new Declined("insufficient funds: account " + from + " holds " + fromBalance);
        }
        set(from, fromBalance - amount);
        set(to, toBalance + amount);
        return value;
      }

      private void mode(boolean wantReadOnly, String wantStaleness) throws SQLException {
        if (wantReadOnly != readOnlyNow) {
          setReadOnly(connection, wantReadOnly);
          readOnlyNow = wantReadOnly;
        }
        if (!wantStaleness.equals(stalenessNow)) {
          settings.execute("SET READ_STALENESS = '" + wantStaleness + "'");
          stalenessNow = wantStaleness;
        }
      }

      private Long balanceOf(long account) throws SQLException {
        balance.setLong(1, account);
        try (ResultSet rs = balance.executeQuery()) {
          return rs.next() ? rs.getLong(1) : null;
        }
      }

      private void set(long account, long newBalance) throws SQLException {
        write.setLong(1, account);
        write.setLong(2, newBalance);
        write.executeUpdate();
      }

      @Override
      public void close() throws SQLException {
        try (balance; write; all; settings) {
          // closes all four
        }
      }
    };
  }

  /**
   * Sets the connection's read-only mode and confirms the server has it. Drivers before the fix
   * ({@code PropertySync} in jdbc-driver) sent {@code setReadOnly(false)} after a read-only
   * transaction only with the next prepare, so the next transaction, run with statements prepared
   * earlier, was still read-only (25006 on its first write). The driver now sends it before the
   * setter returns; {@code isReadOnly()} answers what the server last confirmed and costs no round
   * trip, so the check stays as a guard.
   */
  private static void setReadOnly(Connection connection, boolean readOnly) throws SQLException {
    connection.setReadOnly(readOnly);
    if (connection.isReadOnly() != readOnly) {
      throw new SQLException("the connection stayed " + (readOnly ? "read-write" : "read-only"), "XX000");
    }
  }

  @Override
  public CheckResult check(Path history) throws IOException {
    return BankChecker.check(history, BankChecker.accounts(ACCOUNTS), TOTAL);
  }
}
