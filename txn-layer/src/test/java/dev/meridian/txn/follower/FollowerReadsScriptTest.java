package dev.meridian.txn.follower;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.testing.DataDrivenScript;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.storage.range.InMemoryRangeStore;
import dev.meridian.txn.leaseholder.LogSlot;
import dev.meridian.txn.leaseholder.RequestId;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.range.state.ApplyOutcome;
import dev.meridian.txn.range.state.RangeReadView;
import dev.meridian.txn.range.state.RangeStateMachine;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.types.TxnOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Datadriven scripts of one replica's follower-read admission ({@link FollowerReads}) over a real
 * {@link RangeStateMachine} (in memory), in {@code src/test/resources/follower}; rewrite with {@code
 * -Dmeridian.rewrite=true}. Range r1 owns everything, lease 1 of n1 is applied at slot 1. Timestamps
 * are plain micros.
 *
 * <pre>
 * limits waiting=2 [bug]              a fresh replica: the bound on waiting strong reads, the planted bug
 * commit txn=1.1 ts=110 put=k:v       a fast-path commit applied at the next slot
 * prepare txn=2.1 ts=130 put=k:v      a prepare applied at the next slot; resolve txn=2.1 commit=140 | abort
 * close ts=120                        a CloseTimestamp applied at the next slot
 * stale t=115 [key=k]                 a stale read: its admission, and what it reads if served
 * strong id=1 t=150 slot=5 [key=k]    a strong read after the leaseholder's ReadIndex answered slot 5
 * abandon id=1 | gc 100 | stats
 * </pre>
 */
class FollowerReadsScriptTest {

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return DataDrivenScript.testsIn(Path.of("src/test/resources/follower"), () -> new Interpreter()::execute);
  }

  static final class Interpreter {
    private RangeStateMachine machine;
    private FollowerReads reads;
    /** Waiting strong reads' keys and timestamps, read when released. */
    private final Map<Long, Map.Entry<Key, Timestamp>> waitingReads = new HashMap<>();

    Interpreter() {
      open(1_000, Set.of());
    }

    private void open(int maxWaiting, Set<FollowerReads.PlantedBug> bugs) {
      RangeDescriptor descriptor = new RangeDescriptor(new RangeId(1), new KeySpan(Key.EMPTY, null),
          List.of(new ReplicaDescriptor(new NodeId(1), "eu", ReplicaRole.VOTER)), 0);
      machine = RangeStateMachine.bootstrap(new InMemoryRangeStore(), descriptor);
      machine.apply(1, new RangeCommand.LeaseStart(machine.id(), 1, new NodeId(1), Timestamp.ofMicros(100)));
      reads = new FollowerReads(machine, maxWaiting, bugs);
    }

    List<String> execute(String command) {
      String[] w = command.trim().split("\\s+");
      Map<String, List<String>> args = new HashMap<>();
      List<String> flags = new ArrayList<>();
      for (int i = 1; i < w.length; i++) {
        int eq = w[i].indexOf('=');
        if (eq < 0) {
          flags.add(w[i]);
        } else {
          args.computeIfAbsent(w[i].substring(0, eq), k -> new ArrayList<>()).add(w[i].substring(eq + 1));
        }
      }
      List<String> out = new ArrayList<>();
      switch (w[0]) {
        case "limits" -> open(Integer.parseInt(one(args, "waiting")),
            flags.contains("bug") ? Set.of(FollowerReads.PlantedBug.SERVE_ABOVE_SAFE_TIME) : Set.of());
        case "commit" -> out.add(apply(new RangeCommand.Commit(machine.id(), 0, 1, txn(one(args, "txn")),
            ts(one(args, "ts")), writes(args))));
        case "prepare" -> out.add(apply(new RangeCommand.Prepare(machine.id(), 0, 1, txn(one(args, "txn")),
            ts(one(args, "ts")), writes(args), List.of(), machine.id())));
        case "resolve" -> out.add(apply(args.containsKey("commit")
            ? new RangeCommand.Resolve(machine.id(), txn(one(args, "txn")), TxnOutcome.COMMITTED, ts(one(args, "commit")))
            : new RangeCommand.Resolve(machine.id(), txn(one(args, "txn")), TxnOutcome.ABORTED, null)));
        case "close" -> out.add(apply(new RangeCommand.CloseTimestamp(machine.id(), 1, ts(one(args, "ts")))));
        case "stale" -> {
          Timestamp t = ts(one(args, "t"));
          FollowerReads.Admission admission = reads.admitStale(t);
          out.add(show(admission) + read(admission, args, t));
        }
        case "strong" -> {
          long id = Long.parseLong(one(args, "id"));
          Timestamp t = ts(one(args, "t"));
          FollowerReads.Admission admission = reads.admitStrong(new RequestId(id), t,
              new LogSlot(Long.parseLong(one(args, "slot"))));
          if (admission instanceof FollowerReads.Admission.Waiting && args.containsKey("key")) {
            waitingReads.put(id, Map.entry(Key.utf8(one(args, "key")), t));
          }
          out.add(show(admission) + read(admission, args, t));
        }
        case "abandon" -> out.add("abandoned " + reads.abandon(new RequestId(Long.parseLong(one(args, "id")))));
        case "gc" -> reads.gcHorizonRaised(ts(w[1]));
        case "stats" -> out.add(reads.stats().toString());
        default -> throw new IllegalArgumentException("unknown command " + w[0]);
      }
      if (out.isEmpty()) {
        out.add("ok");
      }
      return out;
    }

    /** Applies {@code command} at the next slot, then tells the replica's admission (strong reads it releases). */
    private String apply(RangeCommand command) {
      long slot = machine.appliedSlot() + 1;
      ApplyOutcome outcome = machine.apply(slot, command);
      StringBuilder line = new StringBuilder("slot " + slot + " " + outcome.getClass().getSimpleName()
          + " safe=" + machine.safeTime().micros());
      for (RequestId released : reads.applied()) {
        line.append(" released ").append(released.value());
        Map.Entry<Key, Timestamp> read = waitingReads.remove(released.value());
        if (read != null) {
          line.append(" read ").append(value(read.getKey(), read.getValue()));
        }
      }
      return line.toString();
    }

    private String read(FollowerReads.Admission admission, Map<String, List<String>> args, Timestamp t) {
      if (!(admission instanceof FollowerReads.Admission.Serve) || !args.containsKey("key")) {
        return "";
      }
      return " read " + value(Key.utf8(one(args, "key")), t);
    }

    /** The newest value of {@code key} at {@code t} in the replica's snapshot. */
    private String value(Key key, Timestamp t) {
      try (RangeReadView view = machine.openReadView()) {
        return view.get(key, t)
            .map(v -> new String(v.value(), StandardCharsets.UTF_8) + "@" + v.commitTs().micros()).orElse("none");
      }
    }

    private static String show(FollowerReads.Admission admission) {
      return switch (admission) {
        case FollowerReads.Admission.Serve s -> "serve at " + s.readTs().micros();
        case FollowerReads.Admission.NotYet n -> "not yet at " + n.readTs().micros() + ": safe time " + n.safeTime().micros();
        case FollowerReads.Admission.TooOld o -> "too old at " + o.readTs().micros() + ": GC horizon " + o.gcHorizon().micros();
        case FollowerReads.Admission.Waiting wait -> "waiting " + wait.id().value() + " for " + wait.slot();
      };
    }

    private static String one(Map<String, List<String>> args, String name) {
      List<String> values = args.get(name);
      if (values == null) {
        throw new IllegalArgumentException("missing " + name + "=");
      }
      return values.getFirst();
    }

    private static List<Write> writes(Map<String, List<String>> args) {
      List<Write> out = new ArrayList<>();
      for (String put : args.getOrDefault("put", List.of())) {
        int colon = put.indexOf(':');
        out.add(Write.put(Key.utf8(put.substring(0, colon)), put.substring(colon + 1).getBytes(StandardCharsets.UTF_8)));
      }
      return out;
    }

    private static Timestamp ts(String text) {
      return Timestamp.ofMicros(Long.parseLong(text));
    }

    private static TxnId txn(String text) {
      String[] parts = text.split("\\.");
      return new TxnId(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
    }
  }
}
