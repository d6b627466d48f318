/**
 * The coordinator's actions, one class each, as Cassandra Accord's {@code coordinate/}: {@link
 * dev.meridian.txn.coordinator.coordinate.OnePhaseCommit}, {@link
 * dev.meridian.txn.coordinator.coordinate.PrepareParticipants}, {@link
 * dev.meridian.txn.coordinator.coordinate.PersistDecision} and {@link
 * dev.meridian.txn.coordinator.coordinate.ResolveParticipants}, plus the pure grouping of a
 * transaction's {@link dev.meridian.txn.coordinator.coordinate.Footprint} by range ({@link
 * dev.meridian.txn.coordinator.coordinate.Grouping}). Each holds the state of its step and checks
 * its invariants; {@code TxnCoordinator} sequences them and does the bookkeeping of requests.
 */
package dev.meridian.txn.coordinator.coordinate;
