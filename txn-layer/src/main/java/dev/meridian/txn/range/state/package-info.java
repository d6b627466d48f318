/**
 * The replicated range state machine (DESIGN §11, "The range, in two parts"): what every replica of a
 * range runs, fed by its Paxos log. Start at {@link dev.meridian.txn.range.state.RangeStateMachine}
 * (apply semantics, invariants); {@link dev.meridian.txn.range.state.RangeReadView} is what the
 * leaseholder core reads; {@link dev.meridian.txn.range.state.RangeSnapshots} streams and installs
 * whole-range snapshots; {@link dev.meridian.txn.range.state.RangeLocalLayout} documents the stored
 * values. Storage is the node's {@link dev.meridian.storage.range.RangeStore}. No I/O beyond the
 * store, no clocks, no threads.
 */
package dev.meridian.txn.range.state;
