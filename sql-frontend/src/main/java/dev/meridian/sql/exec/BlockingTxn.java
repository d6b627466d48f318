package dev.meridian.sql.exec;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.ReadBelowGcHorizonException;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.ReadOnlyTxn;
import dev.meridian.txn.ReadWriteTxn;
import dev.meridian.txn.TransactionClient;
import dev.meridian.txn.TxnConflictException;
import dev.meridian.txn.TxnException;
import dev.meridian.txn.TxnLimitException;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.TxnStateException;
import dev.meridian.txn.TxnTooOldException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Adapts the asynchronous transactions of the transaction layer to the blocking calls of SQL
 * execution, which runs on worker threads, never on an event loop. Waits are bounded by the
 * statement's guard, and failures become {@link SqlExecutionException}s with their SQLSTATE.
 */
public final class BlockingTxn {

  private BlockingTxn() {}

  /** Reads and writes of a read-write transaction. */
  public static KvWriter of(ReadWriteTxn txn, StatementGuard guard) {
    KvReader reads = reader(txn::get, txn::scan, txn.readTs(), guard);
    return new KvWriter() {
      @Override
      public Optional<byte[]> get(Key key) {
        return reads.get(key);
      }

      @Override
      public List<Optional<byte[]>> getAll(List<Key> keys) {
        return await(txn.getAll(keys), guard);
      }

      @Override
      public List<KeyValue> scan(KeySpan span, Direction direction, int limit) {
        return reads.scan(span, direction, limit);
      }

      @Override
      public Timestamp readTs() {
        return reads.readTs();
      }

      @Override
      public void put(Key key, byte[] value) {
        txn.put(key, value);
      }

      @Override
      public void delete(Key key) {
        txn.delete(key);
      }

      @Override
      public void writeAll(List<Write> writes) {
        txn.writeAll(writes);
      }
    };
  }

  /** Reads of a read-only transaction. */
  public static KvReader of(ReadOnlyTxn txn, StatementGuard guard) {
    return reader(txn::get, txn::scan, txn.readTs(), guard);
  }

  /** The asynchronous reads of either kind of transaction. */
  private interface AsyncScan {
    CompletableFuture<List<KeyValue>> scan(KeySpan span, Direction direction, int limit);
  }

  private static KvReader reader(
      java.util.function.Function<Key, CompletableFuture<Optional<byte[]>>> get,
      AsyncScan scan,
      Timestamp readTs,
      StatementGuard guard) {
    return new KvReader() {
      @Override
      public Optional<byte[]> get(Key key) {
        return await(get.apply(key), guard);
      }

      @Override
      public List<KeyValue> scan(KeySpan span, Direction direction, int limit) {
        return await(scan.scan(span, direction, limit), guard);
      }

      @Override
      public Timestamp readTs() {
        return readTs;
      }
    };
  }

  /**
   * Commits {@code txn} and waits for its outcome within the statement's deadline. Once the commit
   * has been sent, a wait given up (deadline, cancel, interrupt) leaves its outcome unknown: that is
   * SQLSTATE 40003, never 57014 or 40001, after which a client might run the transaction again and
   * apply it twice (DESIGN.md §11).
   */
  public static Timestamp commit(ReadWriteTxn txn, StatementGuard guard) {
    guard.check();
    CompletableFuture<Timestamp> outcome = txn.commit();
    try {
      return waitFor(outcome, guard);
    } catch (SqlExecutionException e) {
      if (!e.sqlState().equals("57014")) {
        throw e;
      }
      throw new SqlExecutionException(OUTCOME_UNKNOWN, "the commit of transaction " + txn.id()
          + " was sent, but " + e.getMessage() + " before its outcome was known: it may or may not"
          + " have been applied; read back what it wrote before running it again", e);
    }
  }

  /** SQLSTATE of a statement whose completion is unknown (SQL:2011's "statement completion unknown"). */
  static final String OUTCOME_UNKNOWN = "40003";

  /** Waits for {@code future} within the statement's deadline. */
  public static <T> T await(CompletableFuture<T> future, StatementGuard guard) {
    guard.check();
    return waitFor(future, guard);
  }

  private static <T> T waitFor(CompletableFuture<T> future, StatementGuard guard) {
    try {
      long remaining = guard.remainingNanos();
      return remaining == Long.MAX_VALUE
          ? future.get()
          : future.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      guard.check();
      throw new SqlExecutionException("57014", "statement timed out waiting for storage");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SqlExecutionException("57014", "statement was interrupted");
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    }
  }

  /**
   * Runs {@code work} in a read-write transaction of its own and commits it, retrying the whole of
   * it on a conflict (40001) up to {@code attempts} times; any other failure, or the last conflict,
   * reaches the caller as its SQL error. {@code work} must be safe to repeat.
   */
  public static <T> T retrying(TransactionClient client, StatementGuard guard, int attempts,
      java.util.function.Function<KvWriter, T> work) {
    for (int attempt = 1; ; attempt++) {
      ReadWriteTxn txn;
      try {
        txn = client.beginReadWrite();
      } catch (TxnException e) {
        throw translate(e);
      }
      try {
        T result = work.apply(of(txn, guard));
        commit(txn, guard);
        return result;
      } catch (RuntimeException | Error e) {
        // Errors too: a failure inside generated code can arrive as one (see SqlErrors).
        txn.abort();
        SqlExecutionException failure = SqlErrors.translate(e, null);
        if (!failure.isRetryable() || attempt >= attempts) {
          throw failure;
        }
      }
    }
  }

  /** The SQL error for a failure of the transaction layer. */
  public static RuntimeException translate(Throwable failure) {
    if (failure instanceof SqlExecutionException sql) {
      return sql;
    }
    if (failure instanceof TxnConflictException || failure instanceof TxnTooOldException) {
      return new SqlExecutionException("40001", failure.getMessage(), failure);
    }
    if (failure instanceof ReadBelowGcHorizonException below) {
      return new SqlExecutionException("22000", below.getMessage(), below);
    }
    if (failure instanceof TxnLimitException limit) {
      return new SqlExecutionException("54000", limit.getMessage(), limit);
    }
    if (failure instanceof TxnOutcomeUnknownException unknown) {
      return new SqlExecutionException(OUTCOME_UNKNOWN, unknown.getMessage(), unknown);
    }
    if (failure instanceof TxnStateException state) {
      return new SqlExecutionException("25000", state.getMessage(), state);
    }
    if (failure instanceof TxnException txn) {
      // Retryable unavailability (clock, disk busy) is a serialization failure to clients: retry.
      return new SqlExecutionException(txn.isRetryable() ? "40001" : "58000", txn.getMessage(), txn);
    }
    if (failure instanceof RuntimeException runtime) {
      return runtime;
    }
    return new SqlExecutionException("58000", "internal error: " + failure, failure);
  }
}
