package dev.meridian.sql.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.real.EventLoop;
import dev.meridian.runtime.real.SystemPhysicalClock;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.ForwardingMvccEngine;
import dev.meridian.storage.mvcc.InMemoryMvccEngine;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.truetime.LocalTrueTime;
import dev.meridian.txn.ReadWriteTransaction;
import dev.meridian.txn.TxnClient;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.range.RangeLeader;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A commit whose outcome the statement cannot learn is SQLSTATE 40003 ("statement completion
 * unknown"), never 57014 or 40001: either of those invites a blind retry, which could apply the
 * transaction twice (DESIGN.md §11).
 */
class CommitOutcomeTest {

  /** A disk whose synced writes never report back. */
  private static final class NeverSyncs extends ForwardingMvccEngine {
    NeverSyncs() {
      super(new InMemoryMvccEngine());
    }

    @Override
    public CompletableFuture<Void> commit(Collection<Write> writes, Timestamp commitTs) {
      return new CompletableFuture<>();
    }
  }

  /** Passes its first check, then has no time left and is past its deadline. */
  private static final class ExpiresAfterFirstCheck implements StatementGuard {
    private int checks;

    @Override
    public long remainingNanos() {
      return 0;
    }

    @Override
    public void check() {
      if (checks++ > 0) {
        throw new SqlExecutionException("57014", "the statement timed out");
      }
    }
  }

  @Test
  void aCommitWaitGivenUpIsOutcomeUnknown() {
    try (EventLoop loop = new EventLoop("commit-outcome-test")) {
      LocalTrueTime trueTime = new LocalTrueTime(SystemPhysicalClock.INSTANCE, LocalTrueTime.Config.defaults());
      TxnClient client = new TxnClient(1, new RangeLeader(new NeverSyncs(), trueTime, loop), trueTime,
          RandomSource.seeded(1));
      ReadWriteTransaction txn = client.beginReadWrite();
      txn.put(Key.utf8("k"), new byte[] {1});

      SqlExecutionException failure = catchThrowableOfType(SqlExecutionException.class,
          () -> BlockingTxn.commit(txn, new ExpiresAfterFirstCheck()));

      assertThat(failure.sqlState()).isEqualTo("40003");
      assertThat(failure.isRetryable()).isFalse();
      assertThat(failure).hasMessageContaining("may or may not have been applied");
    }
  }

  @Test
  void aStatementPastItsDeadlineBeforeCommittingIsATimeoutAndNothingIsSent() {
    try (EventLoop loop = new EventLoop("commit-outcome-test")) {
      LocalTrueTime trueTime = new LocalTrueTime(SystemPhysicalClock.INSTANCE, LocalTrueTime.Config.defaults());
      TxnClient client = new TxnClient(1, new RangeLeader(new InMemoryMvccEngine(), trueTime, loop), trueTime,
          RandomSource.seeded(1));
      ReadWriteTransaction txn = client.beginReadWrite();
      txn.put(Key.utf8("k"), new byte[] {1});
      StatementGuard expired = new ExpiresAfterFirstCheck();
      expired.check();

      SqlExecutionException failure = catchThrowableOfType(SqlExecutionException.class,
          () -> BlockingTxn.commit(txn, expired));

      assertThat(failure.sqlState()).isEqualTo("57014");
    }
  }

  @Test
  void anUnknownStorageOutcomeIs40003() {
    RuntimeException translated = BlockingTxn.translate(new TxnOutcomeUnknownException("storage failed", null));
    assertThat(((SqlExecutionException) translated).sqlState()).isEqualTo("40003");
  }
}
