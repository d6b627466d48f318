package dev.meridian.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.truetime.TrueTime;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TransactionClient} must do, whatever holds the data: the one local range
 * ({@code LocalTransactionClientTest}) or the cluster behind a gateway ({@code
 * gateway.GatewayTransactionClientTest}). sql-frontend relies on exactly this. The keys {@code b}
 * and {@code p} lie in different ranges of the gateway's test cluster, so every multi-key case
 * there crosses ranges.
 */
public abstract class TransactionClientContract {

  protected abstract TransactionClient client();

  protected abstract TrueTime trueTime();

  /** Runs the client's loop until {@code future} is done; its value, or its failure thrown. */
  protected abstract <T> T await(CompletableFuture<T> future);

  private Throwable awaitFailure(CompletableFuture<?> future) {
    try {
      await(future);
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected the future to fail, but it completed normally");
  }

  protected static Key key(String text) {
    return Key.utf8(text);
  }

  protected static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }

  private Timestamp commitWrites(String... keyValues) {
    ReadWriteTxn txn = client().beginReadWrite();
    for (int i = 0; i < keyValues.length; i += 2) {
      txn.put(key(keyValues[i]), bytes(keyValues[i + 1]));
    }
    return await(txn.commit());
  }

  private Optional<String> latest(String key) {
    return await(client().beginReadOnly(TimestampBound.strong()).get(key(key))).map(TransactionClientContract::text);
  }

  private static List<String> keys(List<KeyValue> rows) {
    return rows.stream().map(kv -> new String(kv.key().toByteArray(), StandardCharsets.UTF_8)).toList();
  }

  @Test
  void aCommitIsVisibleOnlyAfterTrueTimePassedItsTimestamp() {
    Timestamp commitTs = commitWrites("b", "1", "p", "1");

    assertThat(trueTime().now().earliestMicros()).isGreaterThan(commitTs.micros());
    assertThat(latest("b")).contains("1");
    assertThat(latest("p")).contains("1");
  }

  @Test
  void readsSeeTheTransactionsOwnWrites() {
    commitWrites("b", "stored", "p", "stored");
    ReadWriteTxn txn = client().beginReadWrite();
    txn.put(key("b"), bytes("own"));
    txn.delete(key("p"));

    assertThat(await(txn.get(key("b")))).map(TransactionClientContract::text).contains("own");
    assertThat(await(txn.get(key("p")))).isEmpty();
    assertThat(await(txn.getAll(List.of(key("p"), key("b"), key("q")))))
        .extracting(v -> v.map(TransactionClientContract::text))
        .containsExactly(Optional.empty(), Optional.of("own"), Optional.empty());
    await(txn.commit());
    assertThat(latest("b")).contains("own");
    assertThat(latest("p")).isEmpty();
  }

  @Test
  void aScanMergesOwnWritesInKeyOrderBothWaysAndHonoursItsLimit() {
    commitWrites("b", "1", "k", "1", "p", "1", "x", "1");
    ReadWriteTxn txn = client().beginReadWrite();
    txn.put(key("d"), bytes("own"));
    txn.delete(key("p"));
    txn.writeAll(List.of(Write.put(key("r"), bytes("own")), Write.delete(key("k"))));
    KeySpan all = new KeySpan(key("a"), null);

    assertThat(keys(await(txn.scan(all, Direction.FORWARD, 100)))).containsExactly("b", "d", "r", "x");
    assertThat(keys(await(txn.scan(all, Direction.REVERSE, 100)))).containsExactly("x", "r", "d", "b");
    assertThat(keys(await(txn.scan(all, Direction.FORWARD, 2)))).containsExactly("b", "d");
    assertThat(keys(await(txn.scan(new KeySpan(key("c"), key("s")), Direction.FORWARD, 100)))).containsExactly("d", "r");
  }

  @Test
  void rollbackToASavepointRestoresTheBufferAndKeepsTheSavepoint() {
    ReadWriteTxn txn = client().beginReadWrite();
    txn.put(key("b"), bytes("1"));
    ReadWriteTxn.Savepoint mark = await(txn.savepoint());
    txn.put(key("b"), bytes("2"));
    txn.put(key("p"), bytes("2"));
    await(txn.rollbackTo(mark));
    assertThat(await(txn.get(key("b")))).map(TransactionClientContract::text).contains("1");
    assertThat(await(txn.get(key("p")))).isEmpty();
    txn.put(key("p"), bytes("3"));
    await(txn.rollbackTo(mark));
    await(txn.release(mark));
    assertThat(awaitFailure(txn.release(mark))).isInstanceOf(TxnStateException.class);
    await(txn.commit());

    assertThat(latest("b")).contains("1");
    assertThat(latest("p")).isEmpty();
  }

  @Test
  void aConflictIsRetryableAndAppliesNothing() {
    commitWrites("b", "0");
    ReadWriteTxn loser = client().beginReadWrite();
    await(loser.get(key("b")));
    commitWrites("b", "winner");
    loser.put(key("b"), bytes("loser"));
    loser.put(key("p"), bytes("loser"));

    Throwable failure = awaitFailure(loser.commit());

    assertThat(failure).isInstanceOf(TxnConflictException.class);
    assertThat(((TxnException) failure).isRetryable()).isTrue();
    assertThat(latest("b")).contains("winner");
    assertThat(latest("p")).isEmpty();
  }

  @Test
  void aReadOnlyTransactionKeepsItsSnapshot() {
    commitWrites("b", "old", "p", "old");
    ReadOnlyTxn snapshot = client().beginReadOnly(TimestampBound.strong());
    assertThat(await(snapshot.get(key("b")))).map(TransactionClientContract::text).contains("old");

    commitWrites("b", "new", "p", "new");

    assertThat(await(snapshot.get(key("p")))).map(TransactionClientContract::text).contains("old");
    assertThat(await(snapshot.scan(new KeySpan(key("a"), null), Direction.FORWARD, 10)))
        .extracting(kv -> text(kv.value())).containsExactly("old", "old");
    assertThat(latest("p")).contains("new");
  }

  @Test
  void aTransactionThatWroteNothingCommitsAtItsReadTimestamp() {
    commitWrites("b", "1");
    ReadWriteTxn txn = client().beginReadWrite();
    await(txn.get(key("b")));

    assertThat(await(txn.commit())).isEqualTo(txn.readTs());
  }

  @Test
  void anEndedTransactionRefusesFurtherUse() {
    ReadWriteTxn committed = client().beginReadWrite();
    committed.put(key("b"), bytes("1"));
    await(committed.commit());
    assertThatThrownBy(() -> committed.put(key("p"), bytes("1"))).isInstanceOf(TxnStateException.class);

    ReadWriteTxn aborted = client().beginReadWrite();
    aborted.put(key("p"), bytes("1"));
    aborted.abort();
    assertThat(awaitFailure(aborted.get(key("p")))).isInstanceOf(TxnStateException.class);
    assertThat(latest("p")).isEmpty();
  }

  @Test
  void aWriteBufferPastItsBoundFailsForGoodAndIsNotRetryable() {
    ReadWriteTxn txn = client().beginReadWrite();
    byte[] chunk = new byte[1 << 20];
    long chunks = client().limits().maxWriteBufferBytes() / chunk.length + 2;
    assertThatThrownBy(() -> {
      for (int i = 0; i < chunks; i++) {
        txn.put(key("k" + i), chunk);
        await(txn.savepoint());
      }
    }).isInstanceOf(TxnLimitException.class);
    // Every later call fails, at once or through its future.
    Throwable failure;
    try {
      failure = awaitFailure(txn.get(key("b")));
    } catch (TxnLimitException thrown) {
      failure = thrown;
    }
    assertThat(failure).isInstanceOf(TxnLimitException.class);
    assertThat(((TxnException) failure).isRetryable()).isFalse();
  }
}
