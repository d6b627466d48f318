package dev.meridian.txn.leaseholder;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.ReadBelowGcHorizonException;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.truetime.TTInterval;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.types.RangeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A driver for leaseholder cores in tests: one range state machine over an in-memory engine, a log
 * standing in for Paxos (proposals wait in it until {@link #apply}), cores on several nodes, and a
 * true time with a fixed epsilon. It acts on each Ready in the contract's order and renders what
 * happened as lines, for the scripts. {@link Observer} lets the randomized test check what it sees.
 */
final class LeaseholderHarness {

  /** What the randomized test watches. */
  interface Observer {
    /** A read task ran; {@code eventNo} orders its admission (when the Ready carried it) among applies. */
    default void readServed(NodeId node, StorageTask task, List<Version> result, long eventNo) {}

    default void applied(RangeCommand command, long eventNo) {}

    default void reply(NodeId node, Reply reply) {}
  }

  record Entry(LogSlot slot, NodeId proposer, RangeCommand command) {}

  private record Task(NodeId node, StorageTask task, long event) {}

  static final RangeId RANGE = new RangeId(7);

  final TestRangeState state = new TestRangeState(RANGE, KeySpan.all());
  LeaseholderLimits limits;
  long trueMicros;
  long epsilonMicros = 1_000;
  final Map<NodeId, LeaseholderCore> cores = new TreeMap<>();
  final List<Entry> log = new ArrayList<>();
  private long nextSlot = 1;
  Handover lastHandover;
  boolean autoStorage = true;
  final Set<NodeId> refusing = new HashSet<>();
  private final List<Task> heldTasks = new ArrayList<>();
  private final Map<String, TxnId> txns = new HashMap<>();
  private final Map<TxnId, String> txnNames = new HashMap<>();
  private final Map<String, RequestId> requests = new HashMap<>();
  private final Map<RequestId, String> requestNames = new HashMap<>();
  Observer observer = new Observer() {};
  private long events;

  /** A new point in the order of events (reads admitted, commands applied), for observers. */
  long nextEvent() {
    return ++events;
  }

  LeaseholderHarness(LeaseholderLimits limits, long trueMicros) {
    this.limits = limits;
    this.trueMicros = trueMicros;
  }

  TTInterval now() {
    return new TTInterval(Math.max(0, trueMicros - epsilonMicros), trueMicros + epsilonMicros);
  }

  TxnId txn(String name) {
    return txns.computeIfAbsent(name, n -> {
      // "t6" is txn-1-6, so the core's messages name the script's transaction.
      TxnId id = new TxnId(1, n.matches("t\\d+") ? Long.parseLong(n.substring(1)) : 1_000 + txns.size());
      txnNames.put(id, n);
      return id;
    });
  }

  RequestId request(String name) {
    return requests.computeIfAbsent(name, n -> {
      RequestId id = new RequestId(n.matches("r\\d+") ? Long.parseLong(n.substring(1)) : 1_000 + requests.size());
      requestNames.put(id, n);
      return id;
    });
  }

  LeaseholderCore core(NodeId node) {
    LeaseholderCore core = cores.get(node);
    if (core == null) {
      throw new IllegalArgumentException(node + " has no core");
    }
    return core;
  }

  /** Builds {@code node}'s core for a new lease, as its driver does when Paxos makes it leader. */
  void newCore(NodeId node, long leaseEndMicros, Succession succession) {
    cores.put(node, new LeaseholderCore(node, state, limits, leaseEndMicros, succession, now()));
  }

  /** Processes every core's Ready until none has one; returns what happened. */
  List<String> process() {
    List<String> out = new ArrayList<>();
    boolean any = true;
    while (any) {
      any = false;
      for (Map.Entry<NodeId, LeaseholderCore> e : cores.entrySet()) {
        LeaseholderCore core = e.getValue();
        if (core.hasReady()) {
          any = true;
          act(e.getKey(), core, core.ready(), out);
        }
      }
    }
    return out;
  }

  private void act(NodeId node, LeaseholderCore core, LeaseholderReady ready, List<String> out) {
    for (RangeCommand command : ready.proposals()) {
      if (refusing.contains(node)) {
        out.add(node + ": propose " + show(command) + " -> refused");
        core.proposalRefused(command, "not the leader");
      } else {
        LogSlot slot = new LogSlot(nextSlot++);
        log.add(new Entry(slot, node, command));
        out.add(node + ": propose " + slot + " " + show(command));
      }
    }
    for (StorageTask task : ready.storageTasks()) {
      out.add(node + ": storage " + show(task));
      Task held = new Task(node, task, ++events);
      if (autoStorage) {
        run(held, out);
      } else {
        heldTasks.add(held);
      }
    }
    for (Reply reply : ready.replies()) {
      out.add(node + ": reply " + show(reply));
      observer.reply(node, reply);
    }
    if (ready.handover() != null) {
      lastHandover = ready.handover();
      out.add(node + ": handover to " + ready.handover().target() + " "
          + ts(ready.handover().maxServedOrAssigned()));
    }
    for (Timestamp deadline : ready.commitWaitDeadlines()) {
      out.add(node + ": timer after " + ts(deadline));
    }
    for (Timestamp deadline : ready.futureReadDeadlines()) {
      out.add(node + ": timer reach " + ts(deadline));
    }
  }

  /** Runs the storage tasks held back while auto-storage was off, oldest first. */
  List<String> runHeldTasks() {
    List<String> out = new ArrayList<>();
    List<Task> tasks = new ArrayList<>(heldTasks);
    heldTasks.clear();
    for (Task task : tasks) {
      run(task, out);
    }
    out.addAll(process());
    return out;
  }

  private void run(Task held, List<String> out) {
    NodeId node = held.node();
    StorageTask task = held.task();
    LeaseholderCore core = cores.get(node);
    try {
      switch (task) {
        case StorageTask.PointRead read -> {
          List<Version> result = state.engine.get(read.key(), read.readTs()).stream().toList();
          observer.readServed(node, task, result, held.event());
          core.readDone(read.id(), result);
        }
        case StorageTask.ScanRead scan -> {
          List<Version> result = state.engine.scan(scan.span(), scan.readTs(), scan.direction(), scan.limit());
          observer.readServed(node, task, result, held.event());
          core.readDone(scan.id(), result);
        }
        case StorageTask.ValidationScan validation -> {
          if (validation.readTs().isBefore(state.engine.gcHorizon())) {
            throw new ReadBelowGcHorizonException(validation.readTs(), state.engine.gcHorizon());
          }
          Optional<Version> newer = Optional.empty();
          for (KeySpan span : validation.spans()) {
            newer = state.engine.newestAfter(span, validation.readTs());
            if (newer.isPresent()) {
              break;
            }
          }
          out.add(node + ": validated " + task.id() + " " + newer.map(this::show).orElse("clean"));
          core.validated(validation.id(), newer);
        }
      }
    } catch (ReadBelowGcHorizonException below) {
      core.storageFailed(task.id(), below);
    }
  }

  /** Applies up to {@code count} log entries in slot order at every core. */
  List<String> apply(int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count && !log.isEmpty(); i++) {
      Entry entry = log.removeFirst();
      Optional<String> rejection = state.apply(entry.slot(), entry.command());
      if (rejection.isEmpty()) {
        observer.applied(entry.command(), ++events);
      }
      out.add(entry.slot() + " " + (rejection.isEmpty() ? "applied " : "rejected ") + show(entry.command())
          + rejection.map(r -> ": " + r).orElse(""));
      for (LeaseholderCore core : cores.values()) {
        if (rejection.isEmpty()) {
          core.applied(entry.slot(), entry.command());
        } else {
          core.rejected(entry.slot(), entry.command(), rejection.get());
        }
      }
    }
    out.addAll(process());
    return out;
  }

  /** Paxos loses {@code node}'s proposals that are not yet chosen (a new leader never saw them). */
  List<String> drop(NodeId node) {
    List<String> out = new ArrayList<>();
    log.removeIf(entry -> {
      boolean lost = entry.proposer().equals(node);
      if (lost) {
        out.add("lost " + entry.slot() + " " + show(entry.command()));
      }
      return lost;
    });
    return out;
  }

  /** Moves true time and ticks every core. */
  List<String> advance(long micros) {
    trueMicros += micros;
    for (LeaseholderCore core : cores.values()) {
      core.tick(now());
    }
    return process();
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering.

  String show(RangeCommand command) {
    return switch (command) {
      case RangeCommand.Commit c -> "Commit " + name(c.txn()) + " at " + ts(c.commitTs()) + " lease=" + c.leaseSequence()
          + " writes=" + writes(c.writes());
      case RangeCommand.Prepare p -> "Prepare " + name(p.txn()) + " at " + ts(p.prepareTs()) + " lease="
          + p.leaseSequence() + " writes=" + writes(p.writes()) + " reads=" + spans(p.readSpans())
          + " coord=" + p.coordinatorRange();
      case RangeCommand.Resolve r -> "Resolve " + name(r.txn()) + " " + r.outcome()
          + (r.commitTs() == null ? "" : " at " + ts(r.commitTs()));
      case RangeCommand.RecordDecision d -> "RecordDecision " + name(d.txn()) + " " + d.outcome()
          + (d.commitTs() == null ? "" : " at " + ts(d.commitTs())) + " participants=" + d.participants();
      case RangeCommand.LeaseStart l -> "LeaseStart seq=" + l.leaseSequence() + " holder=" + l.holder()
          + " floor=" + ts(l.floorTs());
      case RangeCommand.Split s -> "Split at " + key(s.splitKey()) + " gen=" + s.generation() + " new=" + s.newRange()
          + " lease=" + s.leaseSequence() + " right-floor=" + ts(s.rightFloorTs());
      case RangeCommand.CloseTimestamp c -> "CloseTimestamp " + ts(c.closedTs());
    };
  }

  private String show(StorageTask task) {
    return switch (task) {
      case StorageTask.PointRead r -> r.id() + " get " + key(r.key()) + " at " + ts(r.readTs());
      case StorageTask.ScanRead s -> s.id() + " scan " + span(s.span()) + " at " + ts(s.readTs()) + " "
          + s.direction() + " limit=" + s.limit();
      case StorageTask.ValidationScan v -> v.id() + " validate " + spans(v.spans()) + " after " + ts(v.readTs());
    };
  }

  String show(Reply reply) {
    String id = requestNames.getOrDefault(reply.request(), reply.request().toString());
    return id + " " + switch (reply) {
      case Reply.ReadResult r -> "read " + r.versions().stream().map(this::show).collect(Collectors.joining(", ", "[", "]"));
      case Reply.Committed c -> "committed " + name(c.txn()) + " at " + ts(c.commitTs());
      case Reply.Prepared p -> "prepared " + name(p.txn()) + " at " + ts(p.prepareTs());
      case Reply.Resolved r -> "resolved " + name(r.txn());
      case Reply.ReadIndex i -> "read-index at " + ts(i.readTs()) + ": applied " + i.appliedSlot();
      case Reply.SplitDone d -> "split at " + key(d.split().splitKey()) + " into " + d.split().newRange()
          + " under lease " + d.split().leaseSequence() + ", right floor " + ts(d.split().rightFloorTs());
      case Reply.TxnStatus s -> "status " + name(s.txn()) + " "
          + s.decision().map(d -> d.outcome() + (d.commitTs() == null ? "" : " at " + ts(d.commitTs()))).orElse("undecided");
      case Reply.Refused r -> "refused " + r.refusal().kind() + " (" + r.refusal().kind().sqlState()
          + (r.refusal().kind().certainlyNotApplied() ? ", not applied" : ", maybe applied") + ")"
          + (r.refusal().leaseholderHint() == null ? "" : " hint=" + r.refusal().leaseholderHint())
          + ": " + r.refusal().message();
    };
  }

  private String show(Version version) {
    return key(version.key()) + "@" + ts(version.commitTs()) + "="
        + (version.value() == null ? "-" : new String(version.value(), StandardCharsets.UTF_8));
  }

  String name(TxnId txn) {
    return txnNames.getOrDefault(txn, txn.toString());
  }

  private static String writes(List<Write> writes) {
    return writes.stream()
        .map(w -> key(w.key()) + "=" + (w.value() == null ? "-" : new String(w.value(), StandardCharsets.UTF_8)))
        .collect(Collectors.joining(",", "[", "]"));
  }

  private static String spans(List<KeySpan> spans) {
    return spans.stream().map(LeaseholderHarness::span).collect(Collectors.joining(",", "[", "]"));
  }

  static String span(KeySpan span) {
    if (span.end() != null && span.end().equals(span.start().successor())) {
      return key(span.start());
    }
    return key(span.start()) + "-" + (span.end() == null ? "" : key(span.end()));
  }

  static String key(Key key) {
    return new String(key.unsafeBytes(), StandardCharsets.UTF_8);
  }

  /** Timestamps print as seconds, the unit the scripts think in. */
  static String ts(Timestamp ts) {
    return micros(ts.micros());
  }

  static String micros(long micros) {
    if (micros % 1_000_000 == 0) {
      return micros / 1_000_000 + "s";
    }
    String fraction = String.format("%06d", micros % 1_000_000).replaceAll("0+$", "");
    return micros / 1_000_000 + "." + fraction + "s";
  }

  /** {@code 10s}, {@code 10.5s}, {@code 5ms}, {@code 300us}, or plain micros. */
  static long parseMicros(String text) {
    if (text.endsWith("ms")) {
      return Math.round(Double.parseDouble(text.substring(0, text.length() - 2)) * 1_000);
    }
    if (text.endsWith("us")) {
      return Long.parseLong(text.substring(0, text.length() - 2));
    }
    if (text.endsWith("s")) {
      return new java.math.BigDecimal(text.substring(0, text.length() - 1))
          .multiply(java.math.BigDecimal.valueOf(1_000_000)).longValueExact();
    }
    return Long.parseLong(text);
  }
}
