package dev.meridian.txn.gateway;

import dev.meridian.runtime.testing.DataDrivenScript;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.runtime.NodeId;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.ReadOnlyTxn;
import dev.meridian.txn.ReadWriteTxn;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.TxnConflictException;
import dev.meridian.txn.TxnLimitException;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.TxnStateException;
import dev.meridian.txn.TxnTooOldException;
import dev.meridian.txn.TxnUnavailableException;
import dev.meridian.txn.coordinator.CoordinatorCounters;
import dev.meridian.txn.directory.RangeCache;
import dev.meridian.txn.types.RangeId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Datadriven scripts of the gateway, in {@code src/test/resources/gateway}, over {@link
 * ClusterHarness}: every command prints the channel traffic it caused (request lines, then {@code
 * <-} answers, indented), then its result. Transaction ids print as the script's names, timestamps
 * as {@code +ms} since the cluster's start. Ranges at start: r1 meta, r2 {@code [0x01, m)}, r3
 * {@code [m, end)}, each led on n1 (or on {@code leaseholder=}), three voters n1–n3. Commands:
 *
 * <pre>
 * cluster [leaseholder=n2] [followers=REGION lag=5ms]   a new cluster (the first command may omit it); with
 *                                   followers=, replicas on every node and follower reads from REGION
 * stale s1 staleness=5ms            a read-only transaction at exact staleness (follower reads)
 * bounded s1 max=5ms scope=a-z      a bounded-staleness read-only transaction over the scope ("-": the end)
 * close | heartbeat                 every leaseholder closes through its log / on a coalesced heartbeat
 * hold-followers on|off | catch-up  follower replicas apply the log only on catch-up / all of it now
 * safe r2                           each replica's applied slot and safe time
 * gc +3.204ms                       every replica's GC horizon rises
 * follower-stats                    the gateway's follower reads and fallbacks to the leaseholder
 * begin t1                          a read-write transaction
 * ro s1 [at=+3.204ms]               a read-only transaction (strong, or at a timestamp)
 * put t1 a v | delete t1 a
 * get t1 a                          (t1 read-write or read-only)
 * scan t1 a z [reverse] [limit=3]   ("-" for the end of the key space)
 * commit t1
 * split r3 at=t new=r4              split, and file both halves in the meta range
 * drop-request TEXT | drop-answer TEXT   the first request whose line contains TEXT is lost / its answer is
 * run 10ms                          let background work (resolves) and timers run
 * cache                             the gateway's cached descriptors and leaseholder hints
 * counters                          the coordinator's counters
 * </pre>
 */
class GatewayScriptTest {

  static final Path DIR = Path.of("src/test/resources/gateway");

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return DataDrivenScript.testsIn(DIR, () -> new Interpreter()::execute);
  }

  static final class Interpreter {
    private ClusterHarness cluster;
    private int traced;
    private final Map<String, ReadWriteTxn> readWrite = new LinkedHashMap<>();
    private final Map<String, ReadOnlyTxn> readOnly = new LinkedHashMap<>();
    private final Map<TxnId, String> names = new HashMap<>();

    List<String> execute(String command) {
      String[] w = command.trim().split("\\s+");
      if (cluster == null || w[0].equals("cluster")) {
        String leaseholder = w[0].equals("cluster") ? option(w, "leaseholder", "n1") : "n1";
        NodeId holder = new NodeId(Integer.parseInt(leaseholder.substring(1)));
        String region = w[0].equals("cluster") ? option(w, "followers", null) : null;
        cluster = region == null ? new ClusterHarness(holder) : new ClusterHarness(holder, new ClusterHarness.Followers(
            region, Long.parseLong(option(w, "lag", "5ms").replace("ms", "")) * 1000, java.util.Set.of()));
        traced = 0;
        if (w[0].equals("cluster")) {
          return List.of();
        }
      }
      List<String> result = new ArrayList<>();
      switch (w[0]) {
        case "begin" -> {
          ReadWriteTxn txn = cluster.client.beginReadWrite();
          readWrite.put(w[1], txn);
          names.put(txn.id(), w[1]);
        }
        case "ro" -> {
          String at = option(w, "at", null);
          TimestampBound bound = at == null ? TimestampBound.strong() : TimestampBound.at(timestamp(at));
          readOnly.put(w[1], cluster.client.beginReadOnly(bound));
        }
        case "stale" -> readOnly.put(w[1], cluster.client.beginReadOnly(
            TimestampBound.exactStaleness(Long.parseLong(option(w, "staleness", null).replace("ms", "")) * 1000)));
        case "bounded" -> {
          String[] scope = option(w, "scope", null).split("-", -1);
          KeySpan span = new KeySpan(ClusterHarness.key(scope[0]), scope[1].isEmpty() ? null : ClusterHarness.key(scope[1]));
          ReadOnlyTxn txn = cluster.await(cluster.client.beginBoundedStaleness(
              Long.parseLong(option(w, "max", null).replace("ms", "")) * 1000, List.of(span)));
          readOnly.put(w[1], txn);
          result.add(w[1] + " reads at " + show(txn.readTs()));
        }
        case "close" -> cluster.closeAll();
        case "heartbeat" -> cluster.heartbeat();
        case "hold-followers" -> cluster.holdFollowers(w[1].equals("on"));
        case "catch-up" -> cluster.catchUpAll();
        case "safe" -> cluster.hosted.get(rangeId(w[1])).replicas.values().forEach(r -> result.add(
            r.node() + " slot " + r.machine().appliedSlot() + " safe " + show(r.machine().safeTime())));
        case "gc" -> cluster.raiseGcHorizon(timestamp(w[1]));
        case "follower-stats" -> {
          Gateway.Stats stats = cluster.gateway.stats();
          result.add("follower reads " + stats.followerReads() + " fallbacks " + stats.followerFallbacks());
        }
        case "put" -> readWrite(w[1]).put(ClusterHarness.key(w[2]), ClusterHarness.bytes(w[3]));
        case "delete" -> readWrite(w[1]).delete(ClusterHarness.key(w[2]));
        case "get" -> {
          CompletableFuture<Optional<byte[]>> read = readWrite.containsKey(w[1])
              ? readWrite(w[1]).get(ClusterHarness.key(w[2])) : readOnly(w[1]).get(ClusterHarness.key(w[2]));
          result.add(outcome(w[1] + " get " + w[2], read, v -> v.map(ClusterHarness::text).orElse("<none>")));
        }
        case "scan" -> {
          KeySpan span = new KeySpan(ClusterHarness.key(w[2]), w[3].equals("-") ? null : ClusterHarness.key(w[3]));
          Direction direction = List.of(w).contains("reverse") ? Direction.REVERSE : Direction.FORWARD;
          int limit = Integer.parseInt(option(w, "limit", "100"));
          CompletableFuture<List<KeyValue>> rows = readWrite.containsKey(w[1])
              ? readWrite(w[1]).scan(span, direction, limit) : readOnly(w[1]).scan(span, direction, limit);
          result.add(outcome(w[1] + " scan", rows, list -> list.isEmpty() ? "<none>" : String.join(" ",
              list.stream().map(kv -> ClusterHarness.text(kv.key()) + "=" + ClusterHarness.text(kv.value())).toList())));
        }
        case "commit" -> result.add(outcome(w[1] + " commit", readWrite(w[1]).commit(), ts -> "committed at " + show(ts)));
        case "split" -> cluster.split(rangeId(w[1]), option(w, "at", null), rangeId(option(w, "new", null)));
        case "drop-request" -> cluster.dropRequest(command.substring(command.indexOf(' ') + 1));
        case "drop-answer" -> cluster.dropAnswer(command.substring(command.indexOf(' ') + 1));
        case "run" -> cluster.runFor(Long.parseLong(w[1].replace("ms", "")));
        case "cache" -> {
          for (RangeCache.CachedRange range : cluster.cache.snapshot()) {
            result.add(ClusterHarness.show(range.descriptor()) + " leaseholder "
                + (range.leaseholder() == null ? "?" : range.leaseholder()));
          }
        }
        case "counters" -> {
          CoordinatorCounters c = cluster.client.counters();
          result.add("fast-path " + c.fastPathCommits() + " two-phase " + c.twoPhaseCommits() + " conflicts "
              + c.conflicts() + " unknown " + c.outcomesUnknown() + " redirects " + c.redirects() + " regroups "
              + c.regroups() + " resolves " + c.resolvesSent() + " abandoned " + c.resolvesAbandoned());
        }
        default -> throw new IllegalArgumentException("unknown command " + w[0]);
      }
      List<String> out = new ArrayList<>();
      List<String> trace = cluster.trace;
      for (; traced < trace.size(); traced++) {
        out.add(rename(trace.get(traced)));
      }
      out.addAll(result);
      return out;
    }

    /** Runs {@code future} to its end and says how it ended, in the client's terms. */
    private <T> String outcome(String what, CompletableFuture<T> future, java.util.function.Function<T, String> show) {
      try {
        return what + ": " + show.apply(cluster.await(future));
      } catch (TxnConflictException e) {
        return what + ": conflict (40001)" + e.key().map(k -> " on " + ClusterHarness.text(k)).orElse("");
      } catch (TxnOutcomeUnknownException e) {
        return what + ": outcome unknown (40003)";
      } catch (TxnUnavailableException e) {
        return what + ": unavailable (40001)";
      } catch (TxnLimitException e) {
        return what + ": over a limit (54000)";
      } catch (TxnStateException e) {
        return what + ": ended";
      } catch (TxnTooOldException e) {
        return what + ": too old (" + e.getMessage() + ")";
      }
    }

    private static final Pattern TXN = Pattern.compile("txn-(\\d+)-(\\d+)");

    private String rename(String line) {
      Matcher m = TXN.matcher(line);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String name = names.get(new TxnId(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2))));
        m.appendReplacement(out, name == null ? m.group() : name);
      }
      m.appendTail(out);
      return out.toString();
    }

    private static String show(Timestamp ts) {
      return ClusterHarness.show(ts);
    }

    private static Timestamp timestamp(String shown) {
      String[] parts = shown.replace("+", "").replace("ms", "").split("\\.");
      return Timestamp.ofMicros(ClusterHarness.START_WALL_MICROS + Long.parseLong(parts[0]) * 1000 + Long.parseLong(parts[1]));
    }

    private ReadWriteTxn readWrite(String name) {
      ReadWriteTxn txn = readWrite.get(name);
      if (txn == null) {
        throw new IllegalArgumentException("no read-write transaction " + name);
      }
      return txn;
    }

    private ReadOnlyTxn readOnly(String name) {
      ReadOnlyTxn txn = readOnly.get(name);
      if (txn == null) {
        throw new IllegalArgumentException("no transaction " + name);
      }
      return txn;
    }

    private static RangeId rangeId(String name) {
      return new RangeId(Long.parseLong(name.substring(1)));
    }

    private static String option(String[] words, String name, String otherwise) {
      for (String word : words) {
        if (word.startsWith(name + "=")) {
          return word.substring(name.length() + 1);
        }
      }
      return otherwise;
    }
  }
}
