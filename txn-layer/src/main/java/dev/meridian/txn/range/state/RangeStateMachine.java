package dev.meridian.txn.range.state;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Intent;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.storage.range.LocalKind;
import dev.meridian.storage.range.RangeBatch;
import dev.meridian.storage.range.RangeEntry;
import dev.meridian.storage.range.RangeReads;
import dev.meridian.storage.range.RangeStore;
import dev.meridian.txn.coordinator.recovery.DecisionRecords;
import dev.meridian.txn.leaseholder.ClosedTimestampUpdate;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The replicated state machine of one range replica (DESIGN §6, §11): it applies the range's Paxos
 * log, slot by slot, to the node's {@link RangeStore}, and answers the leaseholder core's questions
 * about the applied state. Every replica of the range runs one; fed the same slots, they hold the same
 * state (the same {@linkplain RangeSnapshots#fingerprint fingerprint}).
 *
 * <p>Glossary: <em>slot</em> — a position in the range's Paxos log (1, 2, ...); <em>applied slot</em>
 * — the last slot whose effects are in the store, written in the same batch as those effects;
 * <em>intents</em> — a prepared transaction's write keys and read spans ({@link PreparedTxn});
 * <em>fast path</em> — a one-range {@link RangeCommand.Commit}; the other terms are {@link
 * RangeCommand}'s.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li><b>Deterministic.</b> An outcome and its effects are a function of the command and the applied
 *       state: no clock, no randomness, no node-local configuration. A rejection applies as a no-op
 *       that still advances the slot, on every replica alike.
 *   <li><b>Atomic and idempotent per slot.</b> One slot's effects and the applied slot are one
 *       store batch; a slot at or below the applied slot is not applied again ({@link
 *       ApplyOutcome.AlreadyApplied}), so a replay after a crash that lost unsynced batches is safe.
 *       Slots arrive without gaps (the driver's contract; checked).
 *   <li><b>Timestamps only rise inside a lease.</b> A Commit's timestamp and a Prepare's lie above
 *       the lease floor, the closed timestamp, and every timestamp a leaseholder assigned through
 *       this log before. A command that breaks this passed its leaseholder's checks wrongly: that is
 *       a bug, and the replica fails ({@link Invariants}) rather than store a history that can
 *       contradict a read already served.
 *   <li><b>Intents exclude.</b> No Commit or Prepare writes a key under another prepared
 *       transaction's intents, or reads a span one writes in (the leaseholder validated; checked).
 *   <li><b>Decisions are write-once.</b> The first recorded decision of a transaction stands.
 * </ol>
 *
 * <h2>Roads not taken</h2>
 * Rejecting a stale-lease command rather than re-validating it at apply: validation needs the read
 * watermark, which only the leaseholder has. Keeping the right half of a split in the same store
 * under its own range id rather than copying data: versions and intents are keyed by user key, so a
 * split writes only metadata. Duplicate fast-path commits and prepares are recognised by a marker per transaction
 * kept only while the marker's commit timestamp is above the closed timestamp of the current lease:
 * an older duplicate can only come from a proposer that re-proposed a commit it had already closed
 * over, which the invariants above already call a bug.
 *
 * <p>Not thread-safe: owned by the range's loop. {@link #openReadView} hands out snapshot reads that
 * other threads may use.
 */
public final class RangeStateMachine {

  private final RangeStore store;
  private final RangeId id;
  private RangeMeta meta;
  private long appliedSlot;
  private final TreeMap<TxnId, PreparedTxn> prepared = new TreeMap<>(RangeLocalLayout.TXN_ORDER);
  /**
   * Fast-path commits and prepares of the current lease above the closed timestamp: txn -> its
   * timestamp. A re-proposal of either is recognised by it, also after a prepare was resolved.
   */
  private final TreeMap<TxnId, Timestamp> commitMarkers = new TreeMap<>(RangeLocalLayout.TXN_ORDER);
  /**
   * The highest closed timestamp a leaseholder promised outside the log ({@link #observeClosed}),
   * for idle ranges whose closes ride the coalesced heartbeats. Kept in memory only: after a
   * restart the replica falls back on the log's closed timestamp, which is lower, so safe time only
   * ever errs towards refusing a follower read.
   */
  private Timestamp sideClosedTs = Timestamp.ZERO;

  private RangeStateMachine(RangeStore store, RangeId id) {
    this.store = store;
    this.id = id;
  }

  /**
   * Creates range {@code descriptor}'s initial state (applied slot 0) in {@code store}: the first
   * range of a cluster, or a replica created before it receives a snapshot.
   */
  public static RangeStateMachine bootstrap(RangeStore store, RangeDescriptor descriptor) {
    return bootstrap(store, descriptor, List.of(), Timestamp.ZERO);
  }

  /**
   * As {@link #bootstrap(RangeStore, RangeDescriptor)}, with {@code initial} written as versions at
   * {@code at} in the same batch: the meta range's entries of the bootstrap layout ({@code
   * directory.MetaLayout#bootstrapEntries}). Every replica must be given the same writes and
   * timestamp, so that they start in the same state (the same fingerprint); {@code at} counts as an
   * applied commit, so the range's first lease starts above it.
   */
  public static RangeStateMachine bootstrap(RangeStore store, RangeDescriptor descriptor, List<Write> initial,
      Timestamp at) {
    if (store.reads().appliedSlot(descriptor.id().value()).isPresent()) {
      throw new IllegalStateException("range " + descriptor.id() + " already exists in this store");
    }
    RangeMeta meta = RangeMeta.initial(descriptor);
    RangeBatch batch = store.newBatch();
    for (Write write : initial) {
      if (!descriptor.contains(write.key())) {
        throw new IllegalArgumentException("initial write " + write.key() + " is outside " + descriptor);
      }
      batch.putVersion(write.key(), at, write.value());
    }
    if (!initial.isEmpty()) {
      meta = meta.withApplied(at);
    }
    batch.putLocal(descriptor.id().value(), LocalKind.META, new byte[0], RangeLocalLayout.encodeMeta(meta))
        .setAppliedSlot(descriptor.id().value(), 0)
        .commit();
    return open(store, descriptor.id());
  }

  /** Reads range {@code id}'s state back from {@code store} (a restart, or after a split or install). */
  public static RangeStateMachine open(RangeStore store, RangeId id) {
    RangeReads reads = store.reads();
    OptionalLong slot = reads.appliedSlot(id.value());
    if (slot.isEmpty()) {
      throw new IllegalStateException("range " + id + " is not hosted in this store");
    }
    RangeStateMachine machine = new RangeStateMachine(store, id);
    machine.appliedSlot = slot.getAsLong();
    machine.meta = RangeLocalLayout.decodeMeta(
        reads.local(id.value(), LocalKind.META, new byte[0])
            .orElseThrow(() -> new IllegalStateException("range " + id + " has an applied slot but no metadata")));
    Invariants.require(machine.meta.descriptor().id().equals(id), "range %s stores the descriptor of %s", id,
        machine.meta.descriptor().id());
    for (RangeEntry.Local entry : reads.locals(id.value(), LocalKind.PREPARED)) {
      TxnId txn = RangeLocalLayout.txnOfSuffix(entry.suffix());
      machine.prepared.put(txn, RangeLocalLayout.decodePrepared(txn, entry.value()));
    }
    for (RangeEntry.Local entry : reads.locals(id.value(), LocalKind.COMMIT_MARKER)) {
      machine.commitMarkers.put(RangeLocalLayout.txnOfSuffix(entry.suffix()), RangeLocalLayout.decodeMarker(entry.value()));
    }
    return machine;
  }

  // --------------------------------------------------------------------------------- state

  public RangeId id() {
    return id;
  }

  public RangeMeta meta() {
    return meta;
  }

  public RangeDescriptor descriptor() {
    return meta.descriptor();
  }

  public long appliedSlot() {
    return appliedSlot;
  }

  /** Every prepared, unresolved transaction here, in transaction-id order. */
  public List<PreparedTxn> prepared() {
    return List.copyOf(prepared.values());
  }

  /** The prepared transactions whose write or read intents overlap {@code span}. */
  public List<PreparedTxn> preparedOverlapping(KeySpan span) {
    return prepared.values().stream().filter(p -> p.overlaps(span)).toList();
  }

  /** The lowest prepare timestamp still unresolved here: safe time cannot pass it (DESIGN §6). */
  public Optional<Timestamp> minPreparedTs() {
    return prepared.values().stream().map(PreparedTxn::prepareTs).min(Timestamp::compareTo);
  }

  /**
   * The highest closed timestamp this replica knows of: the last {@link RangeCommand.CloseTimestamp}
   * applied, or a higher one a leaseholder sent outside the log ({@link #observeClosed}). No command
   * applied from now on commits at or below it (checked at apply).
   */
  public Timestamp closedTs() {
    return Timestamp.max(meta.closedTs(), sideClosedTs);
  }

  /**
   * The replica's safe time (DESIGN §6, M7): the highest timestamp at which every read of this
   * replica's applied state is final, so the replica may serve a snapshot read at any {@code t <=
   * safeTime()} without asking the leaseholder. It is {@code min(closedTs, smallest unresolved
   * prepare timestamp - 1)}: nothing new commits at or below the closed timestamp, and a prepared
   * transaction may still commit at any timestamp at or above its prepare timestamp, so a read at
   * or above that could miss its writes. Resolving the transaction releases it. Every replica that
   * has applied the same slots (and the same side updates) computes the same value.
   */
  public Timestamp safeTime() {
    Timestamp closed = closedTs();
    return minPreparedTs().map(p -> Timestamp.min(closed, p.minusMicros(1))).orElse(closed);
  }

  /**
   * A closed timestamp a leaseholder promised outside the log (on a coalesced heartbeat, for an
   * idle range). It is taken only when it is for this range under the lease this replica has
   * applied, and this replica has applied at least the slot the leaseholder had applied when it made
   * the promise: every command that could commit at or below {@code closedTs} is at or below that
   * slot (anything the leaseholder proposes after the promise is above it), so the replica then holds
   * every write at or below it. Returns whether it was taken.
   */
  public boolean observeClosed(ClosedTimestampUpdate update) {
    if (!update.range().equals(id) || update.leaseSequence() != meta.leaseSequence()
        || appliedSlot < update.requiredSlot().value()) {
      return false;
    }
    Invariants.require(minPreparedTs().map(p -> p.isAfter(update.closedTs())).orElse(true),
        "range %s: a side closed timestamp %s is not below the unresolved prepare at %s", id, update.closedTs(),
        minPreparedTs().orElse(null));
    sideClosedTs = Timestamp.max(sideClosedTs, update.closedTs());
    return true;
  }

  /** The transaction record of {@code txn} in this (coordinator) range. */
  public Optional<TxnRecord> txnRecord(TxnId txn) {
    return readRecord(store.reads(), txn);
  }

  static Optional<TxnRecord> readRecord(RangeReads reads, RangeId id, TxnId txn) {
    return reads.local(id.value(), LocalKind.TXN_RECORD, RangeLocalLayout.txnSuffix(txn))
        .map(value -> RangeLocalLayout.decodeRecord(txn, value));
  }

  private Optional<TxnRecord> readRecord(RangeReads reads, TxnId txn) {
    return readRecord(reads, id, txn);
  }

  /** This range's transaction records as the coordinator's recovery reads them. */
  public DecisionRecords decisionRecords() {
    return txn -> txnRecord(txn).map(r -> new DecisionRecords.Decision(r.outcome(), r.commitTs()));
  }

  /** Snapshot reads of this range at the current applied state, for the leaseholder core. */
  public RangeReadView openReadView() {
    return new RangeReadView(store.snapshot(), meta, appliedSlot, prepared());
  }

  RangeStore store() {
    return store;
  }

  // --------------------------------------------------------------------------------- apply

  /** A slot whose entry is no range command (a Paxos no-op): only the applied slot advances. */
  public ApplyOutcome applyNoop(long slot) {
    if (slot <= appliedSlot) {
      return new ApplyOutcome.AlreadyApplied(slot);
    }
    requireNext(slot);
    RangeBatch batch = store.newBatch();
    return finish(slot, batch, new ApplyOutcome.Applied(slot), () -> {});
  }

  /** Applies {@code command} at {@code slot}; see the class comment for what it guarantees. */
  public ApplyOutcome apply(long slot, RangeCommand command) {
    if (slot <= appliedSlot) {
      return new ApplyOutcome.AlreadyApplied(slot);
    }
    requireNext(slot);
    RangeBatch batch = store.newBatch();
    if (!command.range().equals(id)) {
      return reject(slot, batch, RejectReason.WRONG_RANGE, "command for " + command.range() + " reached " + id);
    }
    return switch (command) {
      case RangeCommand.Commit c -> applyCommit(slot, batch, c);
      case RangeCommand.Prepare p -> applyPrepare(slot, batch, p);
      case RangeCommand.Resolve r -> applyResolve(slot, batch, r);
      case RangeCommand.RecordDecision d -> applyRecordDecision(slot, batch, d);
      case RangeCommand.Split s -> applySplit(slot, batch, s);
      case RangeCommand.LeaseStart l -> applyLeaseStart(slot, batch, l);
      case RangeCommand.CloseTimestamp c -> applyCloseTimestamp(slot, batch, c);
    };
  }

  private void requireNext(long slot) {
    Invariants.require(slot == appliedSlot + 1, "range %s applied slot %d, then was given slot %d", id, appliedSlot, slot);
  }

  private ApplyOutcome reject(long slot, RangeBatch batch, RejectReason reason, String detail) {
    return finish(slot, batch, new ApplyOutcome.Rejected(slot, reason, detail), () -> {});
  }

  /** Writes the batch with the applied slot, then (only then) updates the in-memory state. */
  private ApplyOutcome finish(long slot, RangeBatch batch, ApplyOutcome outcome, Runnable inMemory) {
    batch.setAppliedSlot(id.value(), slot).commit();
    appliedSlot = slot;
    inMemory.run();
    return outcome;
  }

  private void putMeta(RangeBatch batch, RangeMeta value) {
    batch.putLocal(value.descriptor().id().value(), LocalKind.META, new byte[0], RangeLocalLayout.encodeMeta(value));
  }

  /** The rejection of a lease-bound command whose lease is not the current one, or null. */
  private String leaseProblem(long leaseSequence) {
    if (meta.leaseSequence() == 0) {
      return "no lease has started yet (command of lease " + leaseSequence + ")";
    }
    if (leaseSequence != meta.leaseSequence()) {
      return "command of lease " + leaseSequence + ", current lease is " + meta.leaseSequence();
    }
    return null;
  }

  /** The rejection of keys or spans outside the range, or of a generation from the future, or null. */
  private Optional<ApplyOutcome.Rejected> spanProblem(long slot, long generation, List<Key> keys, List<KeySpan> spans) {
    RangeDescriptor descriptor = meta.descriptor();
    if (generation > descriptor.generation()) {
      return Optional.of(new ApplyOutcome.Rejected(slot, RejectReason.STALE_GENERATION,
          "proposed under generation " + generation + ", the range is at " + descriptor.generation()));
    }
    for (Key key : keys) {
      if (!descriptor.contains(key)) {
        return Optional.of(new ApplyOutcome.Rejected(slot, RejectReason.KEY_OUTSIDE_SPAN,
            "key " + key + " is outside " + descriptor.span() + " (generation " + descriptor.generation()
                + ", proposed under " + generation + ")"));
      }
    }
    for (KeySpan span : spans) {
      if (!PreparedTxn.within(span, descriptor.span())) {
        return Optional.of(new ApplyOutcome.Rejected(slot, RejectReason.KEY_OUTSIDE_SPAN,
            "span " + span + " is outside " + descriptor.span() + " (generation " + descriptor.generation()
                + ", proposed under " + generation + ")"));
      }
    }
    return Optional.empty();
  }

  private void requireLeaseholderTimestamp(Timestamp ts, String what, TxnId txn) {
    Invariants.require(ts.isAfter(meta.leaseFloor()), "range %s: %s %s of %s is not above the lease floor %s",
        id, what, ts, txn, meta.leaseFloor());
    Invariants.require(ts.isAfter(closedTs()), "range %s: %s %s of %s is not above the closed timestamp %s",
        id, what, ts, txn, closedTs());
    Invariants.require(ts.isAfter(meta.maxLeaseholderTs()),
        "range %s: %s %s of %s is not above the leaseholder's earlier timestamp %s", id, what, ts, txn,
        meta.maxLeaseholderTs());
  }

  private void requireNoConflict(PreparedTxn candidate) {
    for (PreparedTxn other : prepared.values()) {
      // A transaction's own intents too: a prepared transaction commits through Resolve only.
      Invariants.require(!candidate.conflictsWith(other),
          "range %s: %s conflicts with the intents of prepared %s", id, candidate.txn(), other.txn());
    }
  }

  private static List<Key> keysOf(List<Write> writes) {
    return writes.stream().map(Write::key).toList();
  }

  private ApplyOutcome applyCommit(long slot, RangeBatch batch, RangeCommand.Commit c) {
    String lease = leaseProblem(c.leaseSequence());
    if (lease != null) {
      return reject(slot, batch, RejectReason.LEASE_NOT_CURRENT, lease);
    }
    if (commitMarkers.containsKey(c.txn())) {
      return reject(slot, batch, RejectReason.DUPLICATE,
          c.txn() + " already committed or prepared here at " + commitMarkers.get(c.txn()));
    }
    Optional<ApplyOutcome.Rejected> span = spanProblem(slot, c.generation(), keysOf(c.writes()), List.of());
    if (span.isPresent()) {
      return reject(slot, batch, span.get().reason(), span.get().detail());
    }
    requireLeaseholderTimestamp(c.commitTs(), "commit timestamp", c.txn());
    requireNoConflict(new PreparedTxn(c.txn(), c.commitTs(), c.leaseSequence(), keysOf(c.writes()), List.of(), id));
    for (Write write : c.writes()) {
      batch.putVersion(write.key(), c.commitTs(), write.value());
    }
    batch.putLocal(id.value(), LocalKind.COMMIT_MARKER, RangeLocalLayout.txnSuffix(c.txn()),
        RangeLocalLayout.encodeMarker(c.commitTs()));
    RangeMeta next = meta.withApplied(c.commitTs()).withAssigned(c.commitTs());
    putMeta(batch, next);
    return finish(slot, batch, new ApplyOutcome.Applied(slot), () -> {
      meta = next;
      commitMarkers.put(c.txn(), c.commitTs());
    });
  }

  private ApplyOutcome applyPrepare(long slot, RangeBatch batch, RangeCommand.Prepare p) {
    String lease = leaseProblem(p.leaseSequence());
    if (lease != null) {
      return reject(slot, batch, RejectReason.LEASE_NOT_CURRENT, lease);
    }
    if (prepared.containsKey(p.txn()) || commitMarkers.containsKey(p.txn())) {
      // Also once resolved: installing its intents again would leave them to recovery.
      return reject(slot, batch, RejectReason.DUPLICATE, p.txn() + " was already prepared or committed here");
    }
    Optional<ApplyOutcome.Rejected> span = spanProblem(slot, p.generation(), keysOf(p.writes()), p.readSpans());
    if (span.isPresent()) {
      return reject(slot, batch, span.get().reason(), span.get().detail());
    }
    requireLeaseholderTimestamp(p.prepareTs(), "prepare timestamp", p.txn());
    // The last write of a key wins, as in the client's buffer.
    Map<Key, Write> byKey = new TreeMap<>();
    p.writes().forEach(w -> byKey.put(w.key(), w));
    PreparedTxn txn = new PreparedTxn(p.txn(), p.prepareTs(), p.leaseSequence(), List.copyOf(byKey.keySet()), p.readSpans(),
        p.coordinatorRange());
    requireNoConflict(txn);
    for (Write write : byKey.values()) {
      batch.putIntent(new Intent(write.key(), p.txn(), p.prepareTs(), write.value()));
    }
    batch.putLocal(id.value(), LocalKind.PREPARED, RangeLocalLayout.txnSuffix(p.txn()), RangeLocalLayout.encodePrepared(txn));
    batch.putLocal(id.value(), LocalKind.COMMIT_MARKER, RangeLocalLayout.txnSuffix(p.txn()),
        RangeLocalLayout.encodeMarker(p.prepareTs()));
    RangeMeta next = meta.withAssigned(p.prepareTs());
    putMeta(batch, next);
    return finish(slot, batch, new ApplyOutcome.Applied(slot), () -> {
      meta = next;
      prepared.put(p.txn(), txn);
      commitMarkers.put(p.txn(), p.prepareTs());
    });
  }

  private ApplyOutcome applyResolve(long slot, RangeBatch batch, RangeCommand.Resolve r) {
    PreparedTxn txn = prepared.get(r.txn());
    if (txn == null) {
      return reject(slot, batch, RejectReason.DUPLICATE, r.txn() + " has no intents here");
    }
    RangeMeta next = meta;
    if (r.outcome() == TxnOutcome.COMMITTED) {
      Invariants.require(!r.commitTs().isBefore(txn.prepareTs()), "range %s: %s commits at %s, below its prepare timestamp %s",
          id, r.txn(), r.commitTs(), txn.prepareTs());
      // Follows from the line above and the close rule below; checked because follower reads rely on it.
      Invariants.require(r.commitTs().isAfter(closedTs()), "range %s: %s commits at %s, not above the closed timestamp %s",
          id, r.txn(), r.commitTs(), closedTs());
      RangeReads reads = store.reads();
      for (Key key : txn.writeKeys()) {
        List<Intent> found = reads.intents(KeySpan.point(key));
        Invariants.require(found.size() == 1 && found.getFirst().txnId().equals(r.txn()),
            "range %s: the intent of %s on %s is missing", id, r.txn(), key);
        batch.putVersion(key, r.commitTs(), found.getFirst().value());
      }
      next = meta.withApplied(r.commitTs());
      putMeta(batch, next);
    }
    txn.writeKeys().forEach(batch::deleteIntent);
    batch.deleteLocal(id.value(), LocalKind.PREPARED, RangeLocalLayout.txnSuffix(r.txn()));
    RangeMeta resolved = next;
    return finish(slot, batch, new ApplyOutcome.Applied(slot), () -> {
      meta = resolved;
      prepared.remove(r.txn());
    });
  }

  private ApplyOutcome applyRecordDecision(long slot, RangeBatch batch, RangeCommand.RecordDecision d) {
    Optional<TxnRecord> existing = readRecord(store.reads(), d.txn());
    if (existing.isPresent()) {
      TxnRecord recorded = existing.get();
      if (recorded.sameDecision(d.outcome(), d.commitTs())) {
        return reject(slot, batch, RejectReason.DUPLICATE, d.txn() + " is already recorded " + recorded.outcome());
      }
      return reject(slot, batch, RejectReason.DECISION_CONFLICT, d.txn() + " is recorded " + recorded.outcome()
          + (recorded.commitTs() == null ? "" : " at " + recorded.commitTs()));
    }
    TxnRecord record = new TxnRecord(d.txn(), d.outcome(), d.commitTs(), d.participants());
    batch.putLocal(id.value(), LocalKind.TXN_RECORD, RangeLocalLayout.txnSuffix(d.txn()), RangeLocalLayout.encodeRecord(record));
    return finish(slot, batch, new ApplyOutcome.Applied(slot), () -> {});
  }

  private ApplyOutcome applySplit(long slot, RangeBatch batch, RangeCommand.Split s) {
    if (s.leaseSequence() != 0) {
      String lease = leaseProblem(s.leaseSequence());
      if (lease != null) {
        // A later lease may have served reads over the split-off keys above this split's floor.
        return reject(slot, batch, RejectReason.LEASE_NOT_CURRENT, lease);
      }
    }
    RangeDescriptor descriptor = meta.descriptor();
    if (s.generation() != descriptor.generation()) {
      return reject(slot, batch, RejectReason.STALE_GENERATION,
          "split planned at generation " + s.generation() + ", the range is at " + descriptor.generation());
    }
    KeySpan span = descriptor.span();
    if (s.splitKey().compareTo(span.start()) <= 0 || !span.contains(s.splitKey())) {
      return reject(slot, batch, RejectReason.KEY_OUTSIDE_SPAN,
          "split key " + s.splitKey() + " is not strictly inside " + span);
    }
    Invariants.require(!s.newRange().equals(id), "range %s: split into itself", id);
    Invariants.require(store.reads().appliedSlot(s.newRange().value()).isEmpty(),
        "range %s: the split's new range %s is already hosted here", id, s.newRange());
    KeySpan leftSpan = new KeySpan(span.start(), s.splitKey());
    KeySpan rightSpan = new KeySpan(s.splitKey(), span.end());
    long generation = descriptor.generation() + 1;
    RangeDescriptor left = new RangeDescriptor(id, leftSpan, descriptor.replicas(), generation);
    RangeDescriptor right = new RangeDescriptor(s.newRange(), rightSpan, descriptor.replicas(), generation);
    RangeMeta leftMeta = meta.withDescriptor(left);
    // The right half inherits every timestamp bound, and its lease floor rises to the split's
    // right-hand floor: the new range is a new Paxos group, whose first leaseholder must start above
    // everything the splitting lease read, assigned or closed over its keys (RangeCommand.Split).
    RangeMeta rightMeta = meta.withDescriptor(right)
        .withLease(meta.leaseSequence(), meta.leaseHolder(), Timestamp.max(meta.leaseFloor(), s.rightFloorTs()));
    putMeta(batch, leftMeta);
    putMeta(batch, rightMeta);
    batch.setAppliedSlot(s.newRange().value(), 0);
    TreeMap<TxnId, PreparedTxn> leftPrepared = new TreeMap<>(RangeLocalLayout.TXN_ORDER);
    for (PreparedTxn txn : prepared.values()) {
      PreparedTxn leftPart = txn.clippedTo(leftSpan);
      PreparedTxn rightPart = txn.clippedTo(rightSpan);
      byte[] suffix = RangeLocalLayout.txnSuffix(txn.txn());
      if (!rightPart.isEmpty()) {
        batch.putLocal(s.newRange().value(), LocalKind.PREPARED, suffix, RangeLocalLayout.encodePrepared(rightPart));
      }
      if (leftPart.isEmpty() && !txn.isEmpty()) {
        batch.deleteLocal(id.value(), LocalKind.PREPARED, suffix);
      } else {
        batch.putLocal(id.value(), LocalKind.PREPARED, suffix, RangeLocalLayout.encodePrepared(leftPart));
        leftPrepared.put(txn.txn(), leftPart);
      }
    }
    return finish(slot, batch, new ApplyOutcome.SplitApplied(slot, left, right), () -> {
      meta = leftMeta;
      prepared.clear();
      prepared.putAll(leftPrepared);
    });
  }

  private ApplyOutcome applyLeaseStart(long slot, RangeBatch batch, RangeCommand.LeaseStart l) {
    if (l.leaseSequence() == meta.leaseSequence() && l.holder().equals(meta.leaseHolder())) {
      return reject(slot, batch, RejectReason.DUPLICATE, "lease " + l.leaseSequence() + " of " + l.holder() + " already started");
    }
    if (l.leaseSequence() != meta.leaseSequence() + 1) {
      return reject(slot, batch, RejectReason.LEASE_NOT_CURRENT,
          "lease " + l.leaseSequence() + " cannot follow lease " + meta.leaseSequence());
    }
    RangeMeta next = meta.withLease(l.leaseSequence(), l.holder(), Timestamp.max(meta.leaseFloor(), l.floorTs()));
    putMeta(batch, next);
    // Commits of older leases are refused by sequence from now on: their markers are not needed.
    for (TxnId txn : commitMarkers.keySet()) {
      batch.deleteLocal(id.value(), LocalKind.COMMIT_MARKER, RangeLocalLayout.txnSuffix(txn));
    }
    return finish(slot, batch, new ApplyOutcome.Applied(slot), () -> {
      meta = next;
      commitMarkers.clear();
    });
  }

  private ApplyOutcome applyCloseTimestamp(long slot, RangeBatch batch, RangeCommand.CloseTimestamp c) {
    String lease = leaseProblem(c.leaseSequence());
    if (lease != null) {
      return reject(slot, batch, RejectReason.LEASE_NOT_CURRENT, lease);
    }
    if (!c.closedTs().isAfter(meta.closedTs())) {
      return reject(slot, batch, RejectReason.DUPLICATE,
          "closed timestamp " + c.closedTs() + " is not above the current " + meta.closedTs());
    }
    Optional<Timestamp> minPrepared = minPreparedTs();
    // A prepared transaction may commit at its prepare timestamp: closing at or above it would let a
    // follower serve a read that the commit later changes.
    Invariants.require(minPrepared.map(p -> p.isAfter(c.closedTs())).orElse(true),
        "range %s: closed timestamp %s is not below the unresolved prepare at %s", id, c.closedTs(), minPrepared.orElse(null));
    RangeMeta next = meta.withClosed(c.closedTs());
    putMeta(batch, next);
    List<TxnId> pruned = new ArrayList<>();
    commitMarkers.forEach((txn, commitTs) -> {
      if (!commitTs.isAfter(c.closedTs())) {
        pruned.add(txn);
        batch.deleteLocal(id.value(), LocalKind.COMMIT_MARKER, RangeLocalLayout.txnSuffix(txn));
      }
    });
    return finish(slot, batch, new ApplyOutcome.Applied(slot), () -> {
      meta = next;
      pruned.forEach(commitMarkers::remove);
    });
  }
}
