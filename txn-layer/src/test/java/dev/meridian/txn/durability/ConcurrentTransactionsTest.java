package dev.meridian.txn.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.ReadOnlyTransaction;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.TxnClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many client threads against one node on RocksDB: read-modify-write increments of a few hot keys,
 * and transfers between accounts, retried on conflict, while read-only snapshots are taken.
 */
class ConcurrentTransactionsTest {

  private static final int CLIENTS = 8;
  private static final int OPERATIONS_PER_CLIENT = 150;
  private static final int HOT_KEYS = 3;
  private static final int ACCOUNTS = 5;
  private static final long INITIAL_BALANCE = 1_000;

  @TempDir Path dataDir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void incrementsAreNeitherLostNorDoubledAndSnapshotsSeeConsistentTotals() throws Exception {
    try (RealNode node = new RealNode(dataDir, 7)) {
      TxnClient client = node.client;
      TxnClient.RetryPolicy retry = new TxnClient.RetryPolicy(10_000, 100, 20_000);
      client
          .runReadWrite(
              txn -> {
                for (int a = 0; a < ACCOUNTS; a++) {
                  txn.put(account(a), encode(INITIAL_BALANCE));
                }
                return CompletableFuture.completedFuture(null);
              },
              retry)
          .get();

      AtomicLong[] successfulIncrements = new AtomicLong[HOT_KEYS];
      for (int k = 0; k < HOT_KEYS; k++) {
        successfulIncrements[k] = new AtomicLong();
      }
      AtomicLong retries = new AtomicLong();
      ConcurrentLinkedQueue<String> snapshotViolations = new ConcurrentLinkedQueue<>();
      AtomicLong snapshotsTaken = new AtomicLong();
      AtomicBoolean writersDone = new AtomicBoolean();
      CountDownLatch finished = new CountDownLatch(CLIENTS);
      List<Thread> threads = new ArrayList<>();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

      for (int c = 0; c < CLIENTS; c++) {
        int clientIndex = c;
        threads.add(
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < OPERATIONS_PER_CLIENT; i++) {
                      int choice = (clientIndex * 31 + i * 17) % 10;
                      if (choice < 6) {
                        int hot = (clientIndex + i) % HOT_KEYS;
                        TxnClient.Committed<Void> done =
                            client.runReadWrite(txn -> txn.get(counter(hot)).thenAccept(value -> {
                              long current = value.map(ConcurrentTransactionsTest::decode).orElse(0L);
                              txn.put(counter(hot), encode(current + 1));
                            }), retry).get();
                        successfulIncrements[hot].incrementAndGet();
                        retries.addAndGet(done.attempts() - 1);
                      } else {
                        int from = (clientIndex + i) % ACCOUNTS;
                        int to = (from + 1 + i % (ACCOUNTS - 1)) % ACCOUNTS;
                        long amount = 1 + (i % 50);
                        TxnClient.Committed<Void> done =
                            client.<Void>runReadWrite(
                                txn -> txn.get(account(from)).thenCombine(txn.get(account(to)),
                                    (fromValue, toValue) -> {
                                      txn.put(account(from), encode(decode(fromValue.orElseThrow()) - amount));
                                      txn.put(account(to), encode(decode(toValue.orElseThrow()) + amount));
                                      return null;
                                    }),
                                retry).get();
                        retries.addAndGet(done.attempts() - 1);
                      }
                    }
                  } catch (Throwable t) {
                    failures.add(t);
                  } finally {
                    finished.countDown();
                  }
                },
                "client-" + c));
      }
      Thread reader =
          new Thread(
              () -> {
                try {
                  while (!writersDone.get()) {
                    ReadOnlyTransaction snapshot = client.beginReadOnly(TimestampBound.strong());
                    List<KeyValue> rows =
                        snapshot.scan(KeySpan.prefix(Key.utf8("account/")), Direction.FORWARD, 100).get();
                    long total = rows.stream().mapToLong(row -> decode(row.value())).sum();
                    if (rows.size() != ACCOUNTS || total != ACCOUNTS * INITIAL_BALANCE) {
                      snapshotViolations.add(
                          "at " + snapshot.readTs() + ": " + rows.size() + " accounts, total " + total);
                    }
                    snapshotsTaken.incrementAndGet();
                  }
                } catch (Throwable t) {
                  failures.add(t);
                }
              },
              "snapshot-reader");
      threads.forEach(Thread::start);
      reader.start();
      assertThat(finished.await(100, TimeUnit.SECONDS)).as("clients finished in time").isTrue();
      writersDone.set(true);
      reader.join(10_000);

      assertThat(failures).isEmpty();
      node.assertNoLoopFailure();
      assertThat(snapshotViolations).isEmpty();
      assertThat(snapshotsTaken.get()).isPositive();
      assertThat(retries.get()).as("hot keys must have produced some conflicts").isPositive();

      ReadOnlyTransaction end = client.beginReadOnly(TimestampBound.strong());
      long incrementsTotal = 0;
      for (int k = 0; k < HOT_KEYS; k++) {
        long stored = decode(end.get(counter(k)).get().orElseThrow());
        assertThat(stored).as("counter %d", k).isEqualTo(successfulIncrements[k].get());
        incrementsTotal += stored;
      }
      assertThat(incrementsTotal).isPositive();
      long total = 0;
      for (int a = 0; a < ACCOUNTS; a++) {
        total += decode(end.get(account(a)).get().orElseThrow());
      }
      assertThat(total).isEqualTo(ACCOUNTS * INITIAL_BALANCE);
    }
  }

  private static Key counter(int index) {
    return Key.utf8("counter/" + index);
  }

  private static Key account(int index) {
    return Key.utf8("account/" + index);
  }

  private static byte[] encode(long value) {
    return Long.toString(value).getBytes(StandardCharsets.UTF_8);
  }

  private static long decode(byte[] value) {
    return Long.parseLong(new String(value, StandardCharsets.UTF_8));
  }
}
