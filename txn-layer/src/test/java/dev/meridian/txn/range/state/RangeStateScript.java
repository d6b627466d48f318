package dev.meridian.txn.range.state;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.storage.range.LocalKind;
import dev.meridian.storage.range.RangeEntry;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.types.TxnOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The interpreter of the range state machine's datadriven scripts ({@code range-state/*.txt}).
 * Keys and values are UTF-8 text; spans are {@code a..m} ({@code a..} for an open end); transactions
 * are {@code node.seq}; ranges are numbers. Commands (optional {@code node=NAME}, default {@code main}):
 *
 * <pre>
 * node NAME kind=mem|rocks                 open another node ("main" is opened by the first command)
 * bootstrap range=1 span=a..z replicas=1,2,3
 * apply SLOT KIND [range=N] [for=N] fields...   KIND and its fields (for: the range the command names):
 *   lease seq=N holder=N floor=TS
 *   commit txn=T seq=N gen=G ts=TS put=k:v... del=k...
 *   prepare txn=T seq=N gen=G ts=TS put=k:v... del=k... read=SPAN... coord=N
 *   resolve txn=T commit=TS | abort
 *   decide txn=T commit=TS | abort parts=1,2
 *   split gen=G at=KEY new=N
 *   close seq=N ts=TS
 *   noop
 * state [range=N]                          every stored entry of the range, decoded
 * get KEY ts=TS | scan SPAN ts=TS [reverse] [limit=N] | newer SPAN ts=TS
 * intents SPAN | record txn=T | restart | fingerprint [range=N]
 * safe [range=N]                          closed timestamp, smallest unresolved prepare, safe time
 * observe-closed seq=N ts=TS after=SLOT    a closed timestamp from a heartbeat (ClosedTimestampUpdate)
 * view [txn=T...]                          what the leaseholder core reads (LeaseholderStateView)
 * snapshot to=NAME [range=N] chunk=BYTES   stream the range to node NAME and install it there
 * </pre>
 */
final class RangeStateScript implements Function<String, List<String>>, AutoCloseable {

  private final Map<String, ReplicaNode> nodes = new LinkedHashMap<>();
  private final String mainKind;

  RangeStateScript(String mainKind) {
    this.mainKind = mainKind;
  }

  @Override
  public List<String> apply(String line) {
    List<String> words = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
    String command = words.removeFirst();
    Map<String, List<String>> args = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    for (String word : words) {
      int eq = word.indexOf('=');
      if (eq < 0) {
        positional.add(word);
      } else {
        args.computeIfAbsent(word.substring(0, eq), k -> new ArrayList<>()).add(word.substring(eq + 1));
      }
    }
    ReplicaNode node = node(one(args, "node", "main"));
    RangeId range = new RangeId(Long.parseLong(one(args, "range", "1")));
    return switch (command) {
      case "node" -> {
        nodes.put(positional.getFirst(), ReplicaNode.of(one(args, "kind", "mem")));
        yield List.of();
      }
      case "bootstrap" -> {
        List<ReplicaDescriptor> replicas = Arrays.stream(one(args, "replicas", "1").split(","))
            .map(n -> new ReplicaDescriptor(new NodeId(Integer.parseInt(n)), "r" + n, ReplicaRole.VOTER)).toList();
        RangeDescriptor descriptor = new RangeDescriptor(range, span(one(args, "span", null)), replicas, 0);
        node.bootstrap(descriptor);
        yield describeState(node.range(range));
      }
      case "apply" -> List.of(applyCommand(node, range, positional, args));
      case "state" -> describeState(node.range(range));
      case "get" -> {
        try (RangeReadView view = node.range(range).openReadView()) {
          yield List.of(view.get(key(positional.getFirst()), ts(one(args, "ts", null)))
              .map(v -> v.commitTs() + " " + text(v.value())).orElse("none"));
        }
      }
      case "scan" -> {
        try (RangeReadView view = node.range(range).openReadView()) {
          yield view.scan(span(positional.getFirst()), ts(one(args, "ts", null)),
                  positional.contains("reverse") ? Direction.REVERSE : Direction.FORWARD,
                  Integer.parseInt(one(args, "limit", "100")))
              .stream().map(v -> v.key() + "@" + v.commitTs() + " " + text(v.value())).toList();
        }
      }
      case "newer" -> {
        try (RangeReadView view = node.range(range).openReadView()) {
          yield List.of(view.newestAfter(span(positional.getFirst()), ts(one(args, "ts", null)))
              .map(v -> v.key() + "@" + v.commitTs()).orElse("none"));
        }
      }
      case "intents" -> {
        try (RangeReadView view = node.range(range).openReadView()) {
          KeySpan span = span(positional.getFirst());
          List<String> out = new ArrayList<>();
          view.preparedOverlapping(span).forEach(p -> out.add(describe(p)));
          view.writeIntents(span).forEach(i -> out.add("write " + i.key() + " " + i.txnId() + " " + text(i.value())));
          yield out;
        }
      }
      case "record" -> {
        try (RangeReadView view = node.range(range).openReadView()) {
          yield List.of(view.txnRecord(txn(one(args, "txn", null))).map(RangeStateScript::describe).orElse("none"));
        }
      }
      case "restart" -> {
        node.restart();
        List<String> out = new ArrayList<>();
        node.ranges.values().forEach(m -> out.add(m.id() + " slot=" + m.appliedSlot() + " " + RangeSnapshots.fingerprint(m)));
        yield out;
      }
      case "safe" -> {
        RangeStateMachine machine = node.range(range);
        yield List.of("closed=" + machine.closedTs() + " min-prepared="
            + machine.minPreparedTs().map(Object::toString).orElse("none") + " safe=" + machine.safeTime());
      }
      case "observe-closed" -> List.of(node.range(range).observeClosed(new dev.meridian.txn.leaseholder.ClosedTimestampUpdate(
              range, Long.parseLong(one(args, "seq", null)), ts(one(args, "ts", null)),
              new dev.meridian.txn.leaseholder.LogSlot(Long.parseLong(one(args, "after", "0")))))
          ? "taken" : "ignored");
      case "fingerprint" -> List.of(RangeSnapshots.fingerprint(node.range(range)));
      case "view" -> {
        LeaseholderStateView view = new LeaseholderStateView(node.range(range));
        List<String> out = new ArrayList<>();
        out.add(view.range() + " gen=" + view.generation() + " span=" + view.span() + " slot=" + view.appliedSlot()
            + " maxApplied=" + view.maxAppliedCommitTs());
        out.add("lease " + view.lease().map(Object::toString).orElse("none"));
        view.preparedTxns().forEach(p -> out.add(dev.meridian.txn.range.command.RangeCommandGen.describe(p)));
        args.getOrDefault("txn", List.of()).forEach(t -> out.add("decision " + t + " "
            + view.decision(txn(t)).map(d -> d.outcome() + (d.commitTs() == null ? "" : " " + d.commitTs())).orElse("none")
            + " / recovery reads " + node.range(range).decisionRecords().decision(txn(t))));
        yield out;
      }
      case "snapshot" -> {
        ReplicaNode target = node(one(args, "to", null));
        int chunkBytes = Integer.parseInt(one(args, "chunk", "4096"));
        RangeStateMachine source = node.range(range);
        int chunks = 0;
        long maxChunk = 0;
        try (RangeSnapshotSource stream = RangeSnapshots.source(source, chunkBytes);
            RangeSnapshotInstaller installer = RangeSnapshots.installer(target.store(), range)) {
          for (byte[] chunk = stream.nextChunk(); chunk != null; chunk = stream.nextChunk()) {
            installer.accept(chunk);
            chunks++;
            maxChunk = Math.max(maxChunk, chunk.length);
          }
          target.replace(installer.finish());
        }
        String sent = RangeSnapshots.fingerprint(source);
        String installed = RangeSnapshots.fingerprint(target.range(range));
        yield List.of("chunks=" + chunks + " largest<=" + chunkBytes + ":" + (maxChunk <= chunkBytes),
            "fingerprints " + (sent.equals(installed) ? "equal " + sent : "DIFFER " + sent + " vs " + installed));
      }
      default -> throw new IllegalArgumentException("unknown command " + command);
    };
  }

  private ReplicaNode node(String name) {
    if (!nodes.containsKey(name) && name.equals("main")) {
      nodes.put("main", ReplicaNode.of(mainKind));
    }
    ReplicaNode node = nodes.get(name);
    if (node == null) {
      throw new IllegalArgumentException("no node " + name);
    }
    return node;
  }

  private static String applyCommand(ReplicaNode node, RangeId range, List<String> positional, Map<String, List<String>> args) {
    long slot = Long.parseLong(positional.get(0));
    String kind = positional.get(1);
    RangeStateMachine machine = node.range(range);
    // for=N names another range in the command itself (a command that reached the wrong group).
    range = new RangeId(Long.parseLong(one(args, "for", String.valueOf(range.value()))));
    if (kind.equals("noop")) {
      return describe(machine.applyNoop(slot));
    }
    RangeCommand command = switch (kind) {
      case "lease" -> new RangeCommand.LeaseStart(range, Long.parseLong(one(args, "seq", null)),
          new NodeId(Integer.parseInt(one(args, "holder", null))), ts(one(args, "floor", "0")));
      case "commit" -> new RangeCommand.Commit(range, Long.parseLong(one(args, "gen", "0")),
          Long.parseLong(one(args, "seq", null)), txn(one(args, "txn", null)), ts(one(args, "ts", null)), writes(args));
      case "prepare" -> new RangeCommand.Prepare(range, Long.parseLong(one(args, "gen", "0")),
          Long.parseLong(one(args, "seq", null)), txn(one(args, "txn", null)), ts(one(args, "ts", null)), writes(args),
          args.getOrDefault("read", List.of()).stream().map(RangeStateScript::span).toList(),
          new RangeId(Long.parseLong(one(args, "coord", "1"))));
      case "resolve" -> positional.contains("abort")
          ? new RangeCommand.Resolve(range, txn(one(args, "txn", null)), TxnOutcome.ABORTED, null)
          : new RangeCommand.Resolve(range, txn(one(args, "txn", null)), TxnOutcome.COMMITTED, ts(one(args, "commit", null)));
      case "decide" -> new RangeCommand.RecordDecision(range, txn(one(args, "txn", null)),
          positional.contains("abort") ? TxnOutcome.ABORTED : TxnOutcome.COMMITTED,
          positional.contains("abort") ? null : ts(one(args, "commit", null)),
          Arrays.stream(one(args, "parts", "1").split(",")).map(p -> new RangeId(Long.parseLong(p))).toList());
      case "split" -> new RangeCommand.Split(range, Long.parseLong(one(args, "gen", "0")),
          Long.parseLong(one(args, "seq", "0")), key(one(args, "at", null)),
          new RangeId(Long.parseLong(one(args, "new", null))), ts(one(args, "floor", "0")));
      case "close" -> new RangeCommand.CloseTimestamp(range, Long.parseLong(one(args, "seq", null)), ts(one(args, "ts", null)));
      default -> throw new IllegalArgumentException("unknown command kind " + kind);
    };
    ApplyOutcome outcome = machine.apply(slot, command);
    if (outcome instanceof ApplyOutcome.SplitApplied split) {
      node.host(split.right().id());
    }
    return describe(outcome);
  }

  static String describe(ApplyOutcome outcome) {
    return switch (outcome) {
      case ApplyOutcome.Applied a -> "applied " + a.slot();
      case ApplyOutcome.AlreadyApplied a -> "already applied " + a.slot();
      case ApplyOutcome.Rejected r -> "rejected " + r.slot() + " " + r.reason() + ": " + r.detail();
      case ApplyOutcome.SplitApplied s -> "split " + s.slot() + ": " + describe(s.left()) + " | " + describe(s.right());
    };
  }

  static String describe(RangeDescriptor d) {
    return d.id() + " " + d.span() + " gen=" + d.generation();
  }

  static String describe(PreparedTxn p) {
    return "prepared " + p.txn() + "@" + p.prepareTs() + " writes=" + p.writeKeys() + " reads=" + p.readSpans()
        + " coord=" + p.coordinatorRange();
  }

  static String describe(TxnRecord r) {
    return "record " + r.txn() + " " + r.outcome() + (r.commitTs() == null ? "" : " " + r.commitTs())
        + " parts=" + r.participants();
  }

  /** Every stored entry of the range, decoded: the state a snapshot would carry. */
  static List<String> describeState(RangeStateMachine machine) {
    List<String> out = new ArrayList<>();
    for (RangeEntry entry : machine.store().reads().entriesAfter(machine.id().value(), machine.descriptor().span(), null, 10_000)) {
      out.add(switch (entry) {
        case RangeEntry.Local l -> switch (l.kind()) {
          case APPLIED_SLOT -> "slot " + dev.meridian.storage.range.StagingChecks.slotOf(l.value());
          case META -> {
            RangeMeta m = RangeLocalLayout.decodeMeta(l.value());
            yield "meta " + describe(m.descriptor()) + " lease=" + m.leaseSequence() + "@" + m.leaseHolder()
                + " floor=" + m.leaseFloor() + " maxApplied=" + m.maxAppliedCommitTs()
                + " maxAssigned=" + m.maxLeaseholderTs() + " closed=" + m.closedTs();
          }
          case PREPARED -> describe(RangeLocalLayout.decodePrepared(RangeLocalLayout.txnOfSuffix(l.suffix()), l.value()));
          case TXN_RECORD -> describe(RangeLocalLayout.decodeRecord(RangeLocalLayout.txnOfSuffix(l.suffix()), l.value()));
          case COMMIT_MARKER -> "marker " + RangeLocalLayout.txnOfSuffix(l.suffix()) + " " + RangeLocalLayout.decodeMarker(l.value());
        };
        case RangeEntry.VersionEntry v -> "version " + v.key() + "@" + v.commitTs() + " " + text(v.value());
        case RangeEntry.IntentEntry i -> "intent " + i.intent().key() + " " + i.intent().txnId() + "@"
            + i.intent().prepareTs() + " " + text(i.intent().value());
      });
    }
    return out;
  }

  private static String one(Map<String, List<String>> args, String name, String fallback) {
    List<String> values = args.get(name);
    if (values == null) {
      if (fallback == null) {
        throw new IllegalArgumentException("missing " + name + "=");
      }
      return fallback;
    }
    return values.getFirst();
  }

  private static List<Write> writes(Map<String, List<String>> args) {
    List<Write> out = new ArrayList<>();
    for (String put : args.getOrDefault("put", List.of())) {
      int colon = put.indexOf(':');
      out.add(Write.put(key(put.substring(0, colon)), put.substring(colon + 1).getBytes(StandardCharsets.UTF_8)));
    }
    args.getOrDefault("del", List.of()).forEach(k -> out.add(Write.delete(key(k))));
    return out;
  }

  static Key key(String text) {
    return Key.utf8(text);
  }

  static Timestamp ts(String text) {
    return Timestamp.ofMicros(Long.parseLong(text));
  }

  static TxnId txn(String text) {
    String[] parts = text.split("\\.");
    return new TxnId(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
  }

  static KeySpan span(String text) {
    int dots = text.indexOf("..");
    String end = text.substring(dots + 2);
    return new KeySpan(key(text.substring(0, dots)), end.isEmpty() ? null : key(end));
  }

  private static String text(byte[] value) {
    return value == null ? "<delete>" : new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    nodes.values().forEach(ReplicaNode::close);
  }
}
