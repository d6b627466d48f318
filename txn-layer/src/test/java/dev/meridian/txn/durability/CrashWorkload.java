package dev.meridian.txn.durability;

import dev.meridian.storage.Key;
import dev.meridian.txn.TxnClient;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of {@link CrashRecoveryTest}: commits transactions on a RocksDB node from several
 * threads until it is killed, printing {@code ACK n} for each one only after its commit was
 * acknowledged. Transaction n writes {@code PARTS} keys {@code txn/n/i = n} and moves one unit between
 * two accounts, so a partial transaction or a lost transfer is visible after the crash.
 *
 * <p>Arguments: data directory, first transaction number, number of client threads.
 */
public final class CrashWorkload {

  static final int PARTS = 4;
  static final int ACCOUNTS = 4;
  static final long INITIAL_BALANCE = 1_000_000;

  private CrashWorkload() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    AtomicLong nextTxn = new AtomicLong(Long.parseLong(args[1]));
    int clients = Integer.parseInt(args[2]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    RealNode node = new RealNode(dataDir, nextTxn.get());
    TxnClient.RetryPolicy retry = new TxnClient.RetryPolicy(1_000_000, 100, 10_000);
    node.client
        .runReadWrite(
            txn ->
                txn.get(account(0))
                    .thenAccept(
                        existing -> {
                          if (existing.isEmpty()) {
                            for (int a = 0; a < ACCOUNTS; a++) {
                              txn.put(account(a), encode(INITIAL_BALANCE));
                            }
                          }
                        }),
            retry)
        .get();
    synchronized (out) {
      out.println("READY");
      out.flush();
    }
    for (int c = 0; c < clients; c++) {
      Thread thread =
          new Thread(
              () -> {
                while (true) {
                  long n = nextTxn.getAndIncrement();
                  int from = (int) (n % ACCOUNTS);
                  int to = (int) ((n + 1) % ACCOUNTS);
                  node.client
                      .runReadWrite(
                          txn -> {
                            for (int part = 0; part < PARTS; part++) {
                              txn.put(part(n, part), encode(n));
                            }
                            return txn.get(account(from))
                                .thenCombine(
                                    txn.get(account(to)),
                                    (fromValue, toValue) -> {
                                      txn.put(account(from), encode(decode(fromValue.orElseThrow()) - 1));
                                      txn.put(account(to), encode(decode(toValue.orElseThrow()) + 1));
                                      return (Void) null;
                                    });
                          },
                          retry)
                      .join();
                  synchronized (out) {
                    out.println("ACK " + n);
                    out.flush();
                  }
                }
              },
              "crash-client-" + c);
      thread.start();
    }
    CompletableFuture<Void> never = new CompletableFuture<>();
    never.join();
  }

  static Key part(long txn, int part) {
    return Key.utf8(String.format("txn/%012d/%d", txn, part));
  }

  static Key account(int index) {
    return Key.utf8("account/" + index);
  }

  static byte[] encode(long value) {
    return Long.toString(value).getBytes(StandardCharsets.UTF_8);
  }

  static long decode(byte[] value) {
    return Long.parseLong(new String(value, StandardCharsets.UTF_8));
  }
}
