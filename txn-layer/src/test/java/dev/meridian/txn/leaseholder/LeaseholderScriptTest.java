package dev.meridian.txn.leaseholder;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.testing.DataDrivenScript;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.range.CommitRequest;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Datadriven scripts for {@link LeaseholderCore} (files in {@code src/test/resources/leaseholder};
 * rewrite expected outputs with {@code -Dmeridian.rewrite=true}, then read the diff). After each
 * command every core's Ready is acted on in the contract's order and printed: {@code propose} (the
 * slot it got in the log), {@code storage} (and, with auto-storage, {@code validated} and the read's
 * reply), {@code reply}, {@code handover}, {@code timer}. Proposals wait in the log until {@code
 * apply}. True time starts at 10 s with epsilon 1 ms; limits: 100 pending requests, 10 ms lease-end
 * margin.
 *
 * <pre>
 * now 10.5s [eps=1ms]          set true time (and epsilon); cores are not told until a request or tick
 * advance-time 5ms             move true time and tick every core
 * lease n1 end=20s [prior-end=10s | handover]   n1 becomes Paxos leader: its core is rebuilt from the state
 * extend n1 end=25s | lease-lost n1 | transfer n1 n2
 * read-index n1 r1 a-c ts=10.5s   a follower's strong read: answered with the applied slot
 * get n1 r1 k1 ts=10.5s        scan n1 r1 a-c ts=10.5s [limit=10] [reverse]
 * commit n1 r1 t1 readTs=10.5s [reads=k1,k2] [spans=a-c] [writes=k2=v,k3=-]
 * prepare n1 r1 t1 readTs=... [reads=..] [spans=..] [writes=..] coord=r2
 * resolve n1 r1 t1 commit ts=11s | resolve n1 r1 t1 abort
 * decide n1 r1 t1 commit ts=11s participants=r1,r2 | decide n1 r1 t1 abort
 * status n1 r1 t1 [abort-if-undecided]
 * apply [n]                    apply the next n log entries (default all) at every core
 * drop n1                      Paxos loses n1's entries not yet applied
 * refuse-proposals n1 on|off   Paxos refuses n1's proposals
 * storage auto|hold|run        run storage tasks at once (default), hold them, or run the held ones
 * stats n1                     the core's counters
 * limits pending=2 margin=10ms  the limits of cores built from now on
 * gc 10s                       raise the engine's GC horizon
 * close n1                     the driver's close cadence: n1 may propose a CloseTimestamp
 * close-update n1              the heartbeat form of the same promise (ClosedTimestampUpdate)
 * closed n1                    n1's closed timestamp, and the log's
 * limits ... lag=1s            the closed-timestamp target lag (default 1s)
 * </pre>
 */
class LeaseholderScriptTest {

  static final Path DIR = Path.of("src/test/resources/leaseholder");

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return DataDrivenScript.testsIn(DIR, () -> new Interpreter()::execute);
  }

  static final class Interpreter {
    private final LeaseholderHarness h =
        new LeaseholderHarness(new LeaseholderLimits(100, 10_000), 10_000_000);

    List<String> execute(String command) {
      String[] words = command.trim().split("\\s+");
      Map<String, String> args = new HashMap<>();
      List<String> flags = new ArrayList<>();
      for (String word : Arrays.copyOfRange(words, 1, words.length)) {
        int eq = word.indexOf('=');
        if (eq > 0) {
          args.put(word.substring(0, eq), word.substring(eq + 1));
        } else {
          flags.add(word);
        }
      }
      List<String> out = new ArrayList<>();
      switch (words[0]) {
        case "now" -> {
          h.trueMicros = LeaseholderHarness.parseMicros(words[1]);
          if (args.containsKey("eps")) {
            h.epsilonMicros = LeaseholderHarness.parseMicros(args.get("eps"));
          }
        }
        case "advance-time" -> out.addAll(h.advance(LeaseholderHarness.parseMicros(words[1])));
        case "lease" -> {
          NodeId node = node(words[1]);
          long end = LeaseholderHarness.parseMicros(args.get("end"));
          Succession succession = flags.contains("handover")
              ? new Succession.Transferred(h.lastHandover)
              : new Succession.Elected(LeaseholderHarness.parseMicros(args.getOrDefault("prior-end", "0")));
          h.newCore(node, end, succession);
        }
        case "extend" -> h.core(node(words[1])).leaseExtended(LeaseholderHarness.parseMicros(args.get("end")));
        case "lease-lost" -> h.core(node(words[1])).leaseLost("deposed");
        case "transfer" -> out.add("transfer: " + h.core(node(words[1])).transferLeadership(node(words[2])));
        case "get" -> h.core(node(words[1])).get(h.request(words[2]), key(words[3]), ts(args.get("ts")), h.now());
        case "scan" -> h.core(node(words[1])).scan(h.request(words[2]), span(words[3]), ts(args.get("ts")),
            flags.contains("reverse") ? Direction.REVERSE : Direction.FORWARD,
            Integer.parseInt(args.getOrDefault("limit", "100")), h.now());
        case "read-index" -> h.core(node(words[1])).readIndex(h.request(words[2]), span(words[3]), ts(args.get("ts")), h.now());
        case "split" -> h.core(node(words[1])).split(h.request(words[2]), key(args.get("at")),
            new RangeId(Long.parseLong(args.get("new"))), h.now());
        case "commit" -> h.core(node(words[1])).commit(h.request(words[2]), request(words[3], args), h.now());
        case "prepare" -> h.core(node(words[1])).prepare(h.request(words[2]), request(words[3], args),
            range(args.get("coord")), h.now());
        case "resolve" -> {
          boolean commit = words[4].equals("commit");
          h.core(node(words[1])).resolve(h.request(words[2]), h.txn(words[3]),
              commit ? TxnOutcome.COMMITTED : TxnOutcome.ABORTED, commit ? ts(args.get("ts")) : null);
        }
        case "decide" -> {
          boolean commit = words[4].equals("commit");
          List<RangeId> participants = args.containsKey("participants")
              ? Arrays.stream(args.get("participants").split(",")).map(Interpreter::range).toList()
              : List.of();
          h.core(node(words[1])).recordDecision(h.request(words[2]), h.txn(words[3]),
              commit ? TxnOutcome.COMMITTED : TxnOutcome.ABORTED, commit ? ts(args.get("ts")) : null,
              participants);
        }
        case "status" -> h.core(node(words[1])).txnStatus(h.request(words[2]), h.txn(words[3]),
            flags.contains("abort-if-undecided"));
        case "apply" -> out.addAll(h.apply(words.length > 1 ? Integer.parseInt(words[1]) : Integer.MAX_VALUE));
        case "drop" -> out.addAll(h.drop(node(words[1])));
        case "refuse-proposals" -> {
          if (words[2].equals("on")) {
            h.refusing.add(node(words[1]));
          } else {
            h.refusing.remove(node(words[1]));
          }
        }
        case "storage" -> {
          switch (words[1]) {
            case "auto" -> h.autoStorage = true;
            case "hold" -> h.autoStorage = false;
            case "run" -> out.addAll(h.runHeldTasks());
            default -> throw new IllegalArgumentException("storage auto|hold|run, not " + words[1]);
          }
        }
        case "limits" -> h.limits = new LeaseholderLimits(Integer.parseInt(args.get("pending")),
            LeaseholderHarness.parseMicros(args.get("margin")),
            LeaseholderHarness.parseMicros(args.getOrDefault("lag", "1s")));
        case "close" -> h.core(node(words[1])).closeTimestamp(h.now());
        case "close-update" -> out.add(words[1] + ": " + h.core(node(words[1])).closedTimestampUpdate(h.now())
            .map(u -> "closed " + LeaseholderHarness.ts(u.closedTs()) + " lease=" + u.leaseSequence()
                + " after " + u.requiredSlot())
            .orElse("nothing to close"));
        case "closed" -> out.add(words[1] + ": closed=" + LeaseholderHarness.ts(h.core(node(words[1])).stats().closedTs())
            + " log-closed=" + LeaseholderHarness.ts(h.state.closedTs()));
        case "gc" -> h.state.engine.collectGarbage(ts(words[1]));
        case "stats" -> {
          LeaseholderCore.Stats s = h.core(node(words[1])).stats();
          out.add(words[1] + ": " + s.phase() + " lease=" + s.leaseSequence() + " floor=" + LeaseholderHarness.ts(s.floor())
              + " watermark=" + LeaseholderHarness.ts(s.readWatermark()) + " last=" + LeaseholderHarness.ts(s.lastAssigned())
              + " max-applied=" + LeaseholderHarness.ts(s.maxAppliedCommitTs()) + " locks=" + s.locks()
              + " pending=" + s.pending() + " conflicts=" + s.conflicts() + " near-end=" + s.refusedNearLeaseEnd()
              + " overloaded=" + s.refusedOverloaded() + " unknown=" + s.outcomeUnknown());
        }
        default -> throw new IllegalArgumentException("unknown command " + words[0]);
      }
      out.addAll(h.process());
      return out;
    }

    private CommitRequest request(String txn, Map<String, String> args) {
      List<Key> reads = list(args.get("reads")).stream().map(Interpreter::key).toList();
      List<KeySpan> spans = list(args.get("spans")).stream().map(Interpreter::span).toList();
      List<Write> writes = list(args.get("writes")).stream().map(w -> {
        String[] kv = w.split("=", 2);
        return kv[1].equals("-") ? Write.delete(key(kv[0])) : Write.put(key(kv[0]), kv[1].getBytes(StandardCharsets.UTF_8));
      }).toList();
      return new CommitRequest(h.txn(txn), ts(args.get("readTs")), reads, spans, writes);
    }

    private static List<String> list(String value) {
      if (value == null || value.isEmpty()) {
        return List.of();
      }
      // writes=k1=v,k2=- splits on commas; a value may not hold one.
      return Arrays.asList(value.split(","));
    }

    private static NodeId node(String text) {
      return new NodeId(Integer.parseInt(text.substring(1)));
    }

    private static RangeId range(String text) {
      return new RangeId(Long.parseLong(text.substring(1)));
    }

    private static Key key(String text) {
      return Key.utf8(text);
    }

    /** {@code a-c} is [a, c); {@code a-} is [a, ∞). */
    private static KeySpan span(String text) {
      int dash = text.indexOf('-');
      if (dash < 0) {
        return KeySpan.point(key(text));
      }
      String end = text.substring(dash + 1);
      return new KeySpan(key(text.substring(0, dash)), end.isEmpty() ? null : key(end));
    }

    private static Timestamp ts(String text) {
      return Timestamp.ofMicros(LeaseholderHarness.parseMicros(text));
    }
  }
}
