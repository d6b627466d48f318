package dev.meridian.jepsen.checker;

import dev.meridian.runtime.RandomSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates list-append histories from a simulated database that executes transactions one at a
 * time (so it is strictly serializable), optionally injecting anomalies: a stale read (a read
 * returning a shorter prefix than the current list, which yields G-single / G2 cycles) and a lost
 * append (an acknowledged append that never takes effect, which later reads expose).
 *
 * <p>Glossary: <em>concurrency</em> is how many processes have a transaction in flight; each
 * transaction is invoked, executed atomically at a random point while in flight, and completed
 * later, so real-time order is consistent with the serial order.
 */
public final class HistoryGenerator {
  /** Knobs for one history. */
  public record Config(int operations, int keys, int maxTxnLength, int concurrency,
      double staleReadProbability, double lostAppendProbability) {}

  private HistoryGenerator() {}

  /** A serializable history of {@code config.operations()} operations (invocations + completions). */
  public static List<Op> listAppend(long seed, Config config) {
    RandomSource rnd = RandomSource.seeded(seed);
    Map<Long, List<Object>> db = new HashMap<>();
    Map<Long, Long> nextValue = new HashMap<>();
    List<Op> history = new ArrayList<>(config.operations());
    List<List<Mop>> inFlight = new ArrayList<>();
    List<Long> inFlightProcess = new ArrayList<>();
    long index = 0;
    long process = 0;
    while (history.size() + inFlight.size() < config.operations()) {
      if (inFlight.size() < config.concurrency() && (inFlight.isEmpty() || rnd.chance(0.5))) {
        int len = 1 + rnd.nextInt(config.maxTxnLength());
        List<Mop> txn = new ArrayList<>(len);
        for (int i = 0; i < len; i++) {
          long k = rnd.nextInt(config.keys());
          if (rnd.chance(0.5)) {
            long v = nextValue.merge(k, 1L, Long::sum);
            txn.add(new Mop(Mop.Kind.APPEND, k, v));
          } else {
            txn.add(new Mop(Mop.Kind.READ, k, null));
          }
        }
        long p = process++ % (config.concurrency() * 2L);
        while (inFlightProcess.contains(p)) {
          p = process++ % (config.concurrency() * 2L);
        }
        history.add(new Op(index++, OpType.INVOKE, p, Keyword.of("txn"), txn, null));
        inFlight.add(txn);
        inFlightProcess.add(p);
      } else {
        int i = rnd.nextInt(inFlight.size());
        List<Mop> txn = inFlight.remove(i);
        long p = inFlightProcess.remove(i);
        List<Mop> done = new ArrayList<>(txn.size());
        for (Mop m : txn) {
          List<Object> cur = db.computeIfAbsent((Long) m.key(), k -> new ArrayList<>());
          if (m.kind() == Mop.Kind.APPEND) {
            if (!rnd.chance(config.lostAppendProbability())) {
              cur.add(m.value());
            }
            done.add(m);
          } else {
            int n = cur.size();
            if (n > 0 && rnd.chance(config.staleReadProbability())) {
              n = rnd.nextInt(n);
            }
            done.add(new Mop(Mop.Kind.READ, m.key(), new ArrayList<>(cur.subList(0, n))));
          }
        }
        history.add(new Op(index++, OpType.OK, p, Keyword.of("txn"), done, null));
      }
    }
    return history;
  }

  /** Writes a history as EDN, one operation per line. */
  public static String toEdn(List<Op> history) {
    StringBuilder sb = new StringBuilder();
    for (Op op : history) {
      Edn.print(sb, op.toData());
      sb.append('\n');
    }
    return sb.toString();
  }
}
