package dev.meridian.server;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.truetime.TTInterval;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.ReadOnlyTransaction;
import dev.meridian.txn.ReadWriteTransaction;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.TxnClient;
import dev.meridian.txn.TxnConflictException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * {@code bin/meridian demo}: a guided run of the transaction core on one local node with RocksDB —
 * bank accounts, a transfer, a conflict and its retry, snapshot reads in the past, and a restart that
 * keeps every acknowledged commit. (The SQL issue turns this into a node with a SQL shell.)
 */
final class Demo {

  private Demo() {}

  static int run(String[] args, PrintStream out) throws IOException {
    Path dataDir = Files.createTempDirectory("meridian-demo-");
    out.println("Meridian demo: one node, one range, RocksDB in " + dataDir);
    try {
      Timestamp openingTs;
      try (LocalNode node = new LocalNode(dataDir)) {
        TxnClient client = node.client();
        TTInterval now = node.trueTime().now();
        out.printf(
            "TrueTime now: [%d, %d] µs since the epoch, epsilon %d µs%n",
            now.earliestMicros(), now.latestMicros(), now.epsilonMicros());

        out.println();
        out.println("1. Open three accounts in one transaction.");
        ReadWriteTransaction open = client.beginReadWrite();
        open.put(account("alice"), amount(100));
        open.put(account("bob"), amount(100));
        open.put(account("carol"), amount(100));
        long startNanos = System.nanoTime();
        openingTs = open.commit().join();
        out.printf(
            "   committed at %s, acknowledged after %.2f ms (durable write + commit wait)%n",
            openingTs, (System.nanoTime() - startNanos) / 1e6);
        printBalances(out, client.beginReadOnly(TimestampBound.strong()), "   ");

        out.println();
        out.println("2. Transfer 30 from alice to bob (read-modify-write, retried on conflict).");
        TxnClient.Committed<Void> transfer =
            client.runReadWrite(txn -> transfer(txn, "alice", "bob", 30), TxnClient.RetryPolicy.defaults())
                .join();
        out.printf("   committed at %s after %d attempt(s)%n", transfer.commitTs(), transfer.attempts());
        printBalances(out, client.beginReadOnly(TimestampBound.strong()), "   ");

        out.println();
        out.println("3. Two transactions both read carol's balance and try to withdraw 80.");
        ReadWriteTransaction first = client.beginReadWrite();
        ReadWriteTransaction second = client.beginReadWrite();
        long carolFirst = balance(first, "carol");
        long carolSecond = balance(second, "carol");
        first.put(account("carol"), amount(carolFirst - 80));
        second.put(account("carol"), amount(carolSecond - 80));
        out.printf("   first commits at %s%n", first.commit().join());
        try {
          second.commit().join();
          out.println("   second committed too: THIS WOULD BE A BUG (carol overdrawn)");
          return 1;
        } catch (CompletionException e) {
          if (!(e.getCause() instanceof TxnConflictException conflict)) {
            throw e;
          }
          out.println("   second aborts with a retryable conflict (SQLSTATE 40001 in SQL):");
          out.println("     " + conflict.getMessage());
        }
        printBalances(out, client.beginReadOnly(TimestampBound.strong()), "   ");

        out.println();
        out.println("4. A read-only transaction at the opening timestamp sees the past, without locks:");
        printBalances(out, client.beginReadOnly(TimestampBound.at(openingTs)), "   ");
      }

      out.println();
      out.println("5. Restart the node on the same data directory; acknowledged commits are there:");
      try (LocalNode node = new LocalNode(dataDir)) {
        printBalances(out, node.client().beginReadOnly(TimestampBound.strong()), "   ");
        out.println("   and the snapshot at " + openingTs + " still reads:");
        printBalances(out, node.client().beginReadOnly(TimestampBound.at(openingTs)), "   ");
      }
      out.println();
      out.println("Done. (bin/meridian bench-commit measures commit throughput and latency.)");
      return 0;
    } finally {
      Directories.deleteRecursively(dataDir);
    }
  }

  private static java.util.concurrent.CompletableFuture<Void> transfer(
      ReadWriteTransaction txn, String from, String to, long amount) {
    return txn.get(account(from))
        .thenCombine(txn.get(account(to)), (fromValue, toValue) -> {
          long fromBalance = decode(fromValue.orElseThrow());
          long toBalance = decode(toValue.orElseThrow());
          txn.put(account(from), amount(fromBalance - amount));
          txn.put(account(to), amount(toBalance + amount));
          return null;
        });
  }

  private static long balance(ReadWriteTransaction txn, String name) {
    return decode(txn.get(account(name)).join().orElseThrow());
  }

  private static void printBalances(PrintStream out, ReadOnlyTransaction reader, String indent) {
    List<KeyValue> rows =
        reader.scan(KeySpan.prefix(Key.utf8("account/")), Direction.FORWARD, 100).join();
    long total = 0;
    StringBuilder line = new StringBuilder(indent).append("at ").append(reader.readTs()).append(":");
    for (KeyValue row : rows) {
      String name = new String(row.key().toByteArray(), StandardCharsets.UTF_8).substring(8);
      long value = decode(row.value());
      total += value;
      line.append(' ').append(name).append('=').append(value);
    }
    out.println(line.append("  (total ").append(total).append(')'));
  }

  private static Key account(String name) {
    return Key.utf8("account/" + name);
  }

  private static byte[] amount(long value) {
    return Long.toString(value).getBytes(StandardCharsets.UTF_8);
  }

  private static long decode(byte[] value) {
    return Long.parseLong(new String(value, StandardCharsets.UTF_8));
  }
}
