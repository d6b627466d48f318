package dev.meridian.txn.leaseholder;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.InMemoryMvccEngine;
import dev.meridian.storage.mvcc.MvccEngine;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The range state machine as the leaseholder core's tests need it, over an in-memory MVCC engine:
 * the apply rules the core relies on (a command of a lease sequence other than the current one is
 * rejected; a LeaseStart must be one above the current sequence; decisions are write-once; resolves
 * are idempotent). The real one is the range state machine's (package {@code txn.range.state}); this
 * one exists so the core's scripts can run before it is integrated.
 */
final class TestRangeState implements RangeStateView {

  private final RangeId range;
  private KeySpan span;
  private long generation;
  final MvccEngine engine = new InMemoryMvccEngine();
  private LogSlot applied = LogSlot.NONE;
  private RangeCommand.LeaseStart lease;
  private Timestamp maxApplied = Timestamp.ZERO;
  private Timestamp closed = Timestamp.ZERO;
  private final Map<TxnId, RangeCommand.Prepare> prepared = new LinkedHashMap<>();
  private final Map<TxnId, RangeCommand.RecordDecision> decisions = new LinkedHashMap<>();

  TestRangeState(RangeId range, KeySpan span) {
    this.range = range;
    this.span = span;
  }

  /** Applies {@code command} at the next slot; returns the rejection reason, or empty if applied. */
  Optional<String> apply(LogSlot slot, RangeCommand command) {
    if (!slot.isAfter(applied)) {
      throw new AssertionError("slot " + slot + " applied after " + applied);
    }
    applied = slot;
    long current = lease == null ? 0 : lease.leaseSequence();
    switch (command) {
      case RangeCommand.Commit commit -> {
        if (commit.leaseSequence() != current) {
          return Optional.of("lease " + commit.leaseSequence() + " is not the current lease " + current);
        }
        if (!commit.commitTs().isAfter(closed)) {
          throw new AssertionError("commit of " + commit.txn() + " at " + commit.commitTs() + ", closed " + closed);
        }
        engine.commit(commit.writes(), commit.commitTs()).join();
        maxApplied = Timestamp.max(maxApplied, commit.commitTs());
      }
      case RangeCommand.Prepare prepare -> {
        if (prepare.leaseSequence() != current) {
          return Optional.of("lease " + prepare.leaseSequence() + " is not the current lease " + current);
        }
        if (!prepare.prepareTs().isAfter(closed)) {
          throw new AssertionError("prepare of " + prepare.txn() + " at " + prepare.prepareTs() + ", closed " + closed);
        }
        if (!prepared.containsKey(prepare.txn())) {
          engine.putIntents(prepare.txn(), prepare.prepareTs(), prepare.writes()).join();
          prepared.put(prepare.txn(), prepare);
        }
      }
      case RangeCommand.Resolve resolve -> {
        RangeCommand.Prepare prepare = prepared.remove(resolve.txn());
        if (prepare != null) {
          List<Key> keys = prepare.writes().stream().map(Write::key).toList();
          engine.resolveIntents(resolve.txn(), keys, Optional.ofNullable(resolve.commitTs())).join();
        }
        if (resolve.outcome() == TxnOutcome.COMMITTED) {
          maxApplied = Timestamp.max(maxApplied, resolve.commitTs());
        }
      }
      case RangeCommand.RecordDecision decision -> decisions.putIfAbsent(decision.txn(), decision);
      case RangeCommand.LeaseStart start -> {
        if (start.leaseSequence() != current + 1) {
          return Optional.of("lease " + start.leaseSequence() + " does not follow lease " + current);
        }
        lease = start;
      }
      case RangeCommand.Split split -> {
        // The real machine's rules the core relies on: bound to its lease and generation; the left stays.
        if (split.leaseSequence() != 0 && split.leaseSequence() != current) {
          return Optional.of("lease " + split.leaseSequence() + " is not the current lease " + current);
        }
        if (split.generation() != generation || !span.contains(split.splitKey()) || split.splitKey().equals(span.start())) {
          return Optional.of("split at " + split.splitKey() + " does not fit " + span + " at generation " + generation);
        }
        span = new KeySpan(span.start(), split.splitKey());
        generation++;
      }
      case RangeCommand.CloseTimestamp close -> {
        if (close.leaseSequence() != current) {
          return Optional.of("lease " + close.leaseSequence() + " is not the current lease " + current);
        }
        if (!close.closedTs().isAfter(closed)) {
          return Optional.of("closed timestamp " + close.closedTs() + " is not above " + closed);
        }
        for (RangeCommand.Prepare prepare : prepared.values()) {
          if (!prepare.prepareTs().isAfter(close.closedTs())) {
            throw new AssertionError("closed " + close.closedTs() + " at or above the prepare of " + prepare.txn());
          }
        }
        closed = close.closedTs();
      }
    }
    return Optional.empty();
  }

  @Override
  public RangeId range() {
    return range;
  }

  @Override
  public long generation() {
    return generation;
  }

  @Override
  public KeySpan span() {
    return span;
  }

  @Override
  public LogSlot appliedSlot() {
    return applied;
  }

  @Override
  public Optional<RangeCommand.LeaseStart> lease() {
    return Optional.ofNullable(lease);
  }

  @Override
  public Timestamp maxAppliedCommitTs() {
    return maxApplied;
  }

  @Override
  public Timestamp closedTs() {
    return closed;
  }

  @Override
  public Collection<RangeCommand.Prepare> preparedTxns() {
    return List.copyOf(prepared.values());
  }

  @Override
  public Optional<RangeCommand.RecordDecision> decision(TxnId txn) {
    return Optional.ofNullable(decisions.get(txn));
  }
}
