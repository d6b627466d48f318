package dev.meridian.txn.coordinator;

import dev.meridian.runtime.testing.DataDrivenScript;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.truetime.TTInterval;
import dev.meridian.txn.TxnConflictException;
import dev.meridian.txn.TxnException;
import dev.meridian.txn.TxnLimitException;
import dev.meridian.txn.TxnLimits;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.TxnUnavailableException;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.Outbound;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.coordinator.message.Refresh;
import dev.meridian.txn.coordinator.recovery.DecisionAuthority;
import dev.meridian.txn.coordinator.recovery.DecisionRecords;
import dev.meridian.txn.coordinator.recovery.StuckPrepareRecovery;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Datadriven scripts of the coordinator and of recovery, in {@code
 * src/test/resources/coordinator}. After every command the Readies it produced are printed, one
 * line per field entry, in the Ready's order ({@code refresh}, {@code send}, {@code answer}, {@code
 * wake-after}), prefixed by their owner (a transaction {@code t1}, or a recovery {@code r2/t1}).
 * True time starts at 10 s; every clock reads it with an epsilon of 1 ms. Commands:
 *
 * <pre>
 * ranges r1=[,m) r2=[m,)        define ranges (truth and cache, generation 0)
 * split r2 at=p new=r3          split in the truth only; the cache learns it at "refreshed"
 * forget r1                     drop r1 from the cache
 * refreshed                     cache := truth; every owner's onDescriptorsRefreshed
 * limits participants=2 readset=100 writebuffer=200 resolves=1 attempts=2 duration=1s
 * begin t1 [readTs=10s]         a transaction (readTs defaults to TT.now().latest)
 * write t1 a [v] | delete t1 a | read t1 a | scan t1 a z   (end "-": to the end)
 * commit t1
 * reply [owner] r1 prepared ts=10.002s | committed ts=.. | conflict [key=a] | redirect not-leaseholder
 *       | redirect stale-generation | redirect range-not-found | unknown | recorded committed ts=..
 *       | recorded aborted | undecided until=.. | resolved
 *                               answers the owner's latest unanswered request to r1 (or r1#3: request 3)
 * duplicate [owner] r1 <reply>  delivers a reply again to the owner's last answered request to r1
 * timeout [owner] r1            the owner's latest unanswered request to r1 timed out
 * advance-time 5ms [quiet]      moves true time; ticks every owner (quiet: no tick, a late timer)
 * recover r2 t1 coord=r1 prepareTs=10.002s   r2's leaseholder starts recovering t1
 * record r1 t1 committed ts=.. | record r1 t1 aborted   a record already applied in r1
 * authority r1 [owner]          r1's leaseholder takes every unanswered decision request to it (of owner)
 * apply r1                      r1 applies its proposed records in order (write-once), answers
 * status t1                     phase, outstanding requests
 * counters
 * </pre>
 */
class CoordinatorScenarioTest {

  static final Path DIR = Path.of("src/test/resources/coordinator");

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return DataDrivenScript.testsIn(DIR, () -> new Interpreter()::execute);
  }

  /** An outstanding request, and who sent it. */
  record Flight(String owner, Outbound outbound) {}

  /** A proposed record in a range's log, and whom to answer once it applied. */
  record Proposal(RangeCommand.RecordDecision command, Flight from) {}

  static final class Interpreter {
    static final long EPSILON_MICROS = 1_000;

    private long trueMicros = 10_000_000;
    private final TestRanges ranges = new TestRanges();
    private final CoordinatorCounters counters = new CoordinatorCounters();
    private CoordinatorLimits limits = CoordinatorLimits.defaults();
    private TxnLimits txnLimits = TxnLimits.defaults();
    private final Map<String, Txn> txns = new LinkedHashMap<>();
    private final Map<String, StuckPrepareRecovery> recoveries = new LinkedHashMap<>();
    private final List<Flight> flights = new ArrayList<>();
    private final List<Flight> taken = new ArrayList<>();
    private final Map<RangeId, Map<TxnId, DecisionRecords.Decision>> records = new HashMap<>();
    private final Map<RangeId, List<Proposal>> logs = new HashMap<>();
    private String lastTxn;

    static final class Txn {
      final TxnId id;
      final Timestamp readTs;
      final TxnCoordinator coordinator;
      final Map<Key, Write> writes = new LinkedHashMap<>();
      final List<Key> readKeys = new ArrayList<>();
      final List<KeySpan> readSpans = new ArrayList<>();

      Txn(TxnId id, Timestamp readTs, TxnCoordinator coordinator) {
        this.id = id;
        this.readTs = readTs;
        this.coordinator = coordinator;
      }
    }

    TTInterval now() {
      return new TTInterval(trueMicros - EPSILON_MICROS, trueMicros + EPSILON_MICROS);
    }

    List<String> execute(String command) {
      String[] w = command.trim().split("\\s+");
      List<String> out = new ArrayList<>();
      switch (w[0]) {
        case "ranges" -> {
          for (int i = 1; i < w.length; i++) {
            String[] parts = w[i].split("=", 2);
            String span = parts[1];
            String[] bounds = span.substring(1, span.length() - 1).split(",", -1);
            ranges.define(TestRanges.descriptor(rangeId(parts[0]).value(), bounds[0],
                bounds[1].isEmpty() ? null : bounds[1], 0));
          }
        }
        case "split" -> ranges.split(rangeId(w[1]), Key.utf8(arg(w, "at")), rangeId(arg(w, "new")));
        case "forget" -> ranges.forget(rangeId(w[1]));
        case "refreshed" -> {
          ranges.refresh();
          for (Map.Entry<String, Txn> t : txns.entrySet()) {
            render(t.getKey(), t.getValue().coordinator.onDescriptorsRefreshed(now()), out);
          }
          for (Map.Entry<String, StuckPrepareRecovery> r : recoveries.entrySet()) {
            render(r.getKey(), r.getValue().onDescriptorsRefreshed(now()), out);
          }
        }
        case "limits" -> {
          CoordinatorLimits d = limits;
          limits = new CoordinatorLimits(
              longArg(w, "readset", d.maxReadSetBytes()),
              (int) longArg(w, "participants", d.maxParticipants()),
              (int) longArg(w, "resolves", d.maxResolvesInFlight()),
              (int) longArg(w, "attempts", d.maxResolveAttempts()),
              w.length > 1 && has(w, "duration") ? micros(arg(w, "duration")) : d.maxTxnDurationMicros());
          txnLimits = new TxnLimits(longArg(w, "writebuffer", txnLimits.maxWriteBufferBytes()));
        }
        case "begin" -> {
          String name = w[1];
          Timestamp readTs = has(w, "readTs")
              ? new Timestamp(micros(arg(w, "readTs"))) : new Timestamp(now().latestMicros());
          TxnId id = new TxnId(1, Long.parseLong(name.substring(1)));
          txns.put(name, new Txn(id, readTs, new TxnCoordinator(id, readTs, ranges, limits, txnLimits, counters)));
          lastTxn = name;
        }
        case "write" -> txn(w[1]).writes.put(Key.utf8(w[2]),
            Write.put(Key.utf8(w[2]), (w.length > 3 ? w[3] : "v").getBytes(StandardCharsets.UTF_8)));
        case "delete" -> txn(w[1]).writes.put(Key.utf8(w[2]), Write.delete(Key.utf8(w[2])));
        case "read" -> txn(w[1]).readKeys.add(Key.utf8(w[2]));
        case "scan" -> txn(w[1]).readSpans.add(
            new KeySpan(Key.utf8(w[2]), w[3].equals("-") ? null : Key.utf8(w[3])));
        case "commit" -> {
          Txn t = txn(w[1]);
          render(w[1], t.coordinator.commit(List.copyOf(t.writes.values()), t.readKeys, t.readSpans, now()), out);
        }
        case "reply" -> {
          String owner = owner(w);
          int at = owner.equals(w[1]) ? 2 : 1;
          Flight flight = take(owner, w[at]);
          deliver(flight, reply(w, at + 1), out);
        }
        case "duplicate" -> {
          String owner = owner(w);
          int at = owner.equals(w[1]) ? 2 : 1;
          RangeId range = rangeId(w[at]);
          String who = owner;
          Flight flight = taken.reversed().stream()
              .filter(f -> f.owner().equals(who) && f.outbound().target().id().equals(range))
              .findFirst().orElseThrow(() -> new IllegalArgumentException("nothing answered to " + range));
          deliver(flight, reply(w, at + 1), out);
        }
        case "timeout" -> {
          String owner = owner(w);
          int at = owner.equals(w[1]) ? 2 : 1;
          Flight flight = take(owner, w[at]);
          long id = flight.outbound().requestId();
          if (txns.containsKey(owner)) {
            render(owner, txns.get(owner).coordinator.onTimeout(id, now()), out);
          } else {
            render(owner, recoveries.get(owner).onTimeout(id, now()), out);
          }
        }
        case "advance-time" -> {
          trueMicros += micros(w[1]);
          if (w.length > 2 && w[2].equals("quiet")) {
            break;
          }
          for (Map.Entry<String, Txn> t : txns.entrySet()) {
            render(t.getKey(), t.getValue().coordinator.tick(now()), out);
          }
          for (Map.Entry<String, StuckPrepareRecovery> r : recoveries.entrySet()) {
            render(r.getKey(), r.getValue().tick(now()), out);
          }
        }
        case "recover" -> {
          RangeId own = rangeId(w[1]);
          Txn t = txn(w[2]);
          String name = w[1] + "/" + w[2];
          StuckPrepareRecovery recovery = new StuckPrepareRecovery(own, t.id, rangeId(arg(w, "coord")),
              new Timestamp(micros(arg(w, "prepareTs"))), ranges, limits);
          recoveries.put(name, recovery);
          render(name, recovery.start(now()), out);
        }
        case "record" -> {
          TxnOutcome outcome = TxnOutcome.valueOf(w[3].toUpperCase());
          Timestamp ts = outcome == TxnOutcome.COMMITTED ? new Timestamp(micros(arg(w, "ts"))) : null;
          records.computeIfAbsent(rangeId(w[1]), r -> new HashMap<>())
              .putIfAbsent(txn(w[2]).id, new DecisionRecords.Decision(outcome, ts));
        }
        case "authority" -> authority(rangeId(w[1]), w.length > 2 ? w[2] : null, out);
        case "apply" -> apply(rangeId(w[1]), out);
        case "status" -> {
          TxnCoordinator c = txn(w[1]).coordinator;
          out.add(w[1] + ": phase=" + c.phase() + " outstanding=" + c.outstandingRequests()
              + " answered=" + c.answer().isPresent() + " done=" + c.isDone());
        }
        case "counters" -> out.add("fast-path=" + counters.fastPathCommits() + " two-phase=" + counters.twoPhaseCommits()
            + " conflicts=" + counters.conflicts() + " unknown=" + counters.outcomesUnknown()
            + " unavailable=" + counters.unavailable() + " limit=" + counters.limitRefusals()
            + " redirects=" + counters.redirects() + " regroups=" + counters.regroups()
            + " stale=" + counters.staleReplies() + " resolves-sent=" + counters.resolvesSent()
            + " resolves-in-flight=" + counters.resolvesInFlight()
            + " resolves-abandoned=" + counters.resolvesAbandoned()
            + " aborts-from-record=" + counters.abortsLearnedFromRecord());
        default -> throw new IllegalArgumentException("unknown command " + w[0]);
      }
      return out;
    }

    private void deliver(Flight flight, ParticipantReply reply, List<String> out) {
      long id = flight.outbound().requestId();
      if (txns.containsKey(flight.owner())) {
        render(flight.owner(), txns.get(flight.owner()).coordinator.onReply(id, reply, now()), out);
      } else {
        render(flight.owner(), recoveries.get(flight.owner()).onReply(id, reply, now()), out);
      }
    }

    private void authority(RangeId range, String onlyOwner, List<String> out) {
      DecisionRecords view = txn -> Optional.ofNullable(records.getOrDefault(range, Map.of()).get(txn));
      DecisionAuthority authority = new DecisionAuthority(range, view);
      List<Flight> mine = new ArrayList<>();
      for (Iterator<Flight> it = flights.iterator(); it.hasNext(); ) {
        Flight f = it.next();
        CoordinatorRequest request = f.outbound().request();
        if (request.range().equals(range) && (onlyOwner == null || f.owner().equals(onlyOwner))
            && (request instanceof CoordinatorRequest.RecordDecision || request instanceof CoordinatorRequest.QueryDecision)) {
          mine.add(f);
          it.remove();
        }
      }
      for (Flight f : mine) {
        DecisionAuthority.Step step = switch (f.outbound().request()) {
          case CoordinatorRequest.RecordDecision r -> authority.onRecordDecision(r);
          case CoordinatorRequest.QueryDecision q -> authority.onQuery(q, now());
          default -> throw new AssertionError();
        };
        switch (step) {
          case DecisionAuthority.Answer answer -> {
            out.add(range + ": answer " + f.owner() + " #" + f.outbound().requestId() + " " + reply(answer.reply()));
            deliver(f, answer.reply(), out);
          }
          case DecisionAuthority.Propose propose -> {
            out.add(range + ": propose " + command(propose.command()) + " for " + f.owner());
            logs.computeIfAbsent(range, r -> new ArrayList<>()).add(new Proposal(propose.command(), f));
          }
        }
      }
    }

    private void apply(RangeId range, List<String> out) {
      Map<TxnId, DecisionRecords.Decision> recorded = records.computeIfAbsent(range, r -> new HashMap<>());
      DecisionAuthority authority = new DecisionAuthority(range, txn -> Optional.ofNullable(recorded.get(txn)));
      List<Proposal> log = logs.getOrDefault(range, new ArrayList<>());
      for (Proposal p : List.copyOf(log)) {
        RangeCommand.RecordDecision c = p.command();
        boolean won = recorded.putIfAbsent(c.txn(), new DecisionRecords.Decision(c.outcome(), c.commitTs())) == null;
        out.add(range + ": applied " + command(c) + (won ? " (recorded)" : " (record exists: no-op)"));
        ParticipantReply answer = authority.afterApplied(c.txn());
        out.add(range + ": answer " + p.from().owner() + " #" + p.from().outbound().requestId() + " " + reply(answer));
        deliver(p.from(), answer, out);
      }
      log.clear();
    }

    /** The owner's latest unanswered request to {@code target} ("r1"), or exactly request "r1#3". */
    private Flight take(String owner, String target) {
      String[] parts = target.split("#");
      RangeId range = rangeId(parts[0]);
      long id = parts.length > 1 ? Long.parseLong(parts[1]) : -1;
      for (int i = flights.size() - 1; i >= 0; i--) {
        Flight f = flights.get(i);
        if (f.owner().equals(owner) && f.outbound().target().id().equals(range)
            && (id < 0 || f.outbound().requestId() == id)) {
          taken.add(f);
          return flights.remove(i);
        }
      }
      throw new IllegalArgumentException("no unanswered request of " + owner + " to " + range);
    }

    private ParticipantReply reply(String[] w, int at) {
      return switch (w[at]) {
        case "prepared" -> new ParticipantReply.Prepared(new Timestamp(micros(arg(w, "ts"))));
        case "committed" -> new ParticipantReply.Committed(new Timestamp(micros(arg(w, "ts"))));
        case "conflict" -> new ParticipantReply.Conflict(has(w, "key") ? Key.utf8(arg(w, "key")) : null,
            "was written by a transaction that committed after the read timestamp");
        case "redirect" -> new ParticipantReply.Redirect(
            ParticipantReply.Redirect.Reason.valueOf(w[at + 1].toUpperCase().replace('-', '_')));
        case "unknown" -> new ParticipantReply.OutcomeUnknown("leader lost while proposing");
        case "recorded" -> w[at + 1].equals("committed")
            ? new ParticipantReply.Recorded(TxnOutcome.COMMITTED, new Timestamp(micros(arg(w, "ts"))))
            : new ParticipantReply.Recorded(TxnOutcome.ABORTED, null);
        case "undecided" -> new ParticipantReply.Undecided(new Timestamp(micros(arg(w, "until"))));
        case "resolved" -> new ParticipantReply.Resolved();
        default -> throw new IllegalArgumentException("unknown reply " + w[at]);
      };
    }

    private void render(String owner, Ready ready, List<String> out) {
      renderSends(owner, ready.refreshes(), ready.requests(), out);
      if (ready.answer() != null) {
        out.add(owner + ": answer " + switch (ready.answer()) {
          case ClientAnswer.Committed c -> "committed ts=" + ts(c.commitTs());
          case ClientAnswer.Failed f -> sqlState(f.failure()) + " " + f.failure().getClass().getSimpleName()
              + ": " + f.failure().getMessage();
        });
      }
      renderWake(owner, ready.wakeAfter(), out);
    }

    private void render(String owner, StuckPrepareRecovery.RecoveryReady ready, List<String> out) {
      renderSends(owner, ready.refreshes(), ready.requests(), out);
      if (ready.resolve() != null) {
        RangeCommand.Resolve r = ready.resolve();
        out.add(owner + ": propose Resolve " + r.range() + " " + r.outcome()
            + (r.commitTs() == null ? "" : " ts=" + ts(r.commitTs())));
      }
      renderWake(owner, ready.wakeAfter(), out);
    }

    private void renderSends(String owner, List<Refresh> refreshes, List<Outbound> requests, List<String> out) {
      for (Refresh refresh : refreshes) {
        out.add(owner + ": refresh " + refresh(refresh));
      }
      for (Outbound o : requests) {
        flights.add(new Flight(owner, o));
        out.add(owner + ": send #" + o.requestId() + " " + o.target().id() + "@g" + o.target().generation()
            + " " + request(o.request()));
      }
    }

    private static void renderWake(String owner, Timestamp wakeAfter, List<String> out) {
      if (wakeAfter != null) {
        out.add(owner + ": wake-after " + ts(wakeAfter));
      }
    }

    static String sqlState(TxnException failure) {
      return switch (failure) {
        case TxnConflictException c -> "40001";
        case TxnUnavailableException u -> "40001";
        case TxnOutcomeUnknownException u -> "40003";
        case TxnLimitException l -> "54000";
        default -> "?";
      };
    }

    static String refresh(Refresh refresh) {
      return switch (refresh) {
        case Refresh.Stale s -> "stale " + s.stale().id() + "@g" + s.stale().generation();
        case Refresh.MissingKey m -> "missing-key " + text(m.key());
        case Refresh.MissingRange m -> "missing-range " + m.id();
      };
    }

    static String request(CoordinatorRequest request) {
      return switch (request) {
        case CoordinatorRequest.CommitOnePhase c -> "commit-one-phase readTs=" + ts(c.readTs())
            + reads(c.readKeys(), c.readSpans()) + writes(c.writes());
        case CoordinatorRequest.Prepare p -> "prepare readTs=" + ts(p.readTs())
            + reads(p.readKeys(), p.readSpans()) + writes(p.writes()) + " coord=" + p.coordinatorRange();
        case CoordinatorRequest.RecordDecision r -> "record-decision " + r.outcome()
            + (r.commitTs() == null ? "" : " ts=" + ts(r.commitTs())) + " participants=" + r.participants();
        case CoordinatorRequest.Resolve r -> "resolve " + r.outcome()
            + (r.commitTs() == null ? "" : " ts=" + ts(r.commitTs()));
        case CoordinatorRequest.QueryDecision q -> "query-decision " + q.txn() + " expires=" + ts(q.expiresAt());
      };
    }

    static String command(RangeCommand.RecordDecision c) {
      return "RecordDecision " + c.txn() + " " + c.outcome() + (c.commitTs() == null ? "" : " ts=" + ts(c.commitTs()));
    }

    static String reply(ParticipantReply reply) {
      return switch (reply) {
        case ParticipantReply.Recorded r -> "recorded " + r.outcome() + (r.commitTs() == null ? "" : " ts=" + ts(r.commitTs()));
        case ParticipantReply.Undecided u -> "undecided until=" + ts(u.expiresAt());
        default -> reply.toString();
      };
    }

    static String reads(List<Key> keys, List<KeySpan> spans) {
      String out = "";
      if (!keys.isEmpty()) {
        out += " reads=" + keys.stream().map(Interpreter::text).collect(Collectors.joining(",", "[", "]"));
      }
      if (!spans.isEmpty()) {
        out += " scans=" + spans.stream().map(s -> "[" + text(s.start()) + "," + (s.end() == null ? "-" : text(s.end())) + ")")
            .collect(Collectors.joining(",", "[", "]"));
      }
      return out;
    }

    static String writes(List<Write> writes) {
      if (writes.isEmpty()) {
        return "";
      }
      return " writes=" + writes.stream()
          .map(w -> text(w.key()) + (w.isDelete() ? "=<del>" : "=" + new String(w.value(), StandardCharsets.UTF_8)))
          .collect(Collectors.joining(",", "[", "]"));
    }

    static String text(Key key) {
      return new String(key.unsafeBytes(), StandardCharsets.UTF_8);
    }

    static String ts(Timestamp t) {
      return BigDecimal.valueOf(t.micros(), 6).stripTrailingZeros().toPlainString() + "s";
    }

    static long micros(String text) {
      if (text.endsWith("us")) {
        return Long.parseLong(text.substring(0, text.length() - 2));
      }
      if (text.endsWith("ms")) {
        return new BigDecimal(text.substring(0, text.length() - 2)).movePointRight(3).longValueExact();
      }
      if (text.endsWith("s")) {
        return new BigDecimal(text.substring(0, text.length() - 1)).movePointRight(6).longValueExact();
      }
      throw new IllegalArgumentException("not a duration: " + text);
    }

    /** The owner a command names as its first argument, or the last transaction begun. */
    private String owner(String[] w) {
      return txns.containsKey(w[1]) || recoveries.containsKey(w[1]) ? w[1] : lastTxn;
    }

    private Txn txn(String name) {
      Txn t = txns.get(name);
      if (t == null) {
        throw new IllegalArgumentException("no transaction " + name);
      }
      return t;
    }

    static RangeId rangeId(String text) {
      if (!text.startsWith("r")) {
        throw new IllegalArgumentException("not a range: " + text);
      }
      return new RangeId(Long.parseLong(text.substring(1)));
    }

    static boolean has(String[] w, String name) {
      for (String word : w) {
        if (word.startsWith(name + "=")) {
          return true;
        }
      }
      return false;
    }

    static String arg(String[] w, String name) {
      for (String word : w) {
        if (word.startsWith(name + "=")) {
          return word.substring(name.length() + 1);
        }
      }
      throw new IllegalArgumentException("missing " + name + "=");
    }

    static long longArg(String[] w, String name, long otherwise) {
      return has(w, name) ? Long.parseLong(arg(w, name)) : otherwise;
    }
  }
}
