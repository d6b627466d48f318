package dev.meridian.txn.range.state;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Intent;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.storage.range.RangeReads;
import dev.meridian.txn.leaseholder.LogSlot;
import dev.meridian.txn.leaseholder.RangeStateView;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.types.RangeId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The leaseholder core's view ({@link RangeStateView}) of a {@link RangeStateMachine}: live, so it
 * shows exactly the slots applied so far. Read on the range's loop only.
 *
 * <p>Two answers are rebuilt rather than kept: the lease is the {@link RangeCommand.LeaseStart} in
 * force with the floor the state machine holds (the proposed floor, since a leaseholder never
 * proposes one below its predecessor's); a prepared transaction's {@link RangeCommand.Prepare} has
 * the range's current generation (the generation it was prepared under is not kept) and its write
 * values read back from the intents.
 */
public final class LeaseholderStateView implements RangeStateView {

  private final RangeStateMachine machine;

  public LeaseholderStateView(RangeStateMachine machine) {
    this.machine = machine;
  }

  @Override
  public RangeId range() {
    return machine.id();
  }

  @Override
  public long generation() {
    return machine.descriptor().generation();
  }

  @Override
  public KeySpan span() {
    return machine.descriptor().span();
  }

  @Override
  public LogSlot appliedSlot() {
    return machine.appliedSlot() == 0 ? LogSlot.NONE : new LogSlot(machine.appliedSlot());
  }

  @Override
  public Optional<RangeCommand.LeaseStart> lease() {
    RangeMeta meta = machine.meta();
    if (meta.leaseSequence() == 0) {
      return Optional.empty();
    }
    return Optional.of(new RangeCommand.LeaseStart(machine.id(), meta.leaseSequence(), meta.leaseHolder(), meta.leaseFloor()));
  }

  @Override
  public Timestamp maxAppliedCommitTs() {
    return machine.meta().maxAppliedCommitTs();
  }

  @Override
  public Timestamp closedTs() {
    return machine.meta().closedTs();
  }

  @Override
  public Collection<RangeCommand.Prepare> preparedTxns() {
    RangeReads reads = machine.store().reads();
    List<RangeCommand.Prepare> out = new ArrayList<>();
    for (PreparedTxn txn : machine.prepared()) {
      List<Write> writes = new ArrayList<>();
      for (Key key : txn.writeKeys()) {
        Intent intent = reads.intents(KeySpan.point(key)).getFirst();
        writes.add(new Write(key, intent.value()));
      }
      out.add(new RangeCommand.Prepare(machine.id(), generation(), txn.leaseSequence(), txn.txn(), txn.prepareTs(),
          writes, txn.readSpans(), txn.coordinatorRange()));
    }
    return out;
  }

  @Override
  public Optional<RangeCommand.RecordDecision> decision(TxnId txn) {
    return machine.txnRecord(txn).map(r ->
        new RangeCommand.RecordDecision(machine.id(), r.txn(), r.outcome(), r.commitTs(), r.participants()));
  }
}
