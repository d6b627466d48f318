/**
 * The transaction coordinator of the cluster (DESIGN §6, §11 "The coordinator"): an I/O-free
 * object per read-write transaction on its gateway node that commits it over the ranges it touched.
 * Start with {@link dev.meridian.txn.coordinator.TxnCoordinator}; its actions are in {@code
 * coordinate}, its messages in {@code message}, the recovery of stuck prepares in {@code recovery}.
 *
 * <p>Glossary:
 * <ul>
 *   <li><b>participant</b>: a range the transaction wrote or read in; each gets a Prepare with its
 *       part of the writes and the read set. A <b>read-only participant</b> wrote nothing there but
 *       still validates its reads and holds read intents until resolved, so no write commits under
 *       them between the read timestamp and the commit timestamp.
 *   <li><b>coordinator range</b>: the range of the smallest written key when 2PC starts; it holds the
 *       transaction record (the decision), by range id.
 *   <li><b>record / decision</b>: {@code COMMITTED at commitTs} or {@code ABORTED}, written once in the
 *       coordinator range's log.
 *   <li><b>deadline</b>: {@code readTs + maxTxnDurationMicros}; past it the coordinator gives up, and
 *       (after {@code prepareTs + maxTxnDurationMicros}) a stuck participant may have an abort recorded.
 *   <li><b>redirect</b>: a leaseholder's answer that the request reached the wrong replica or an
 *       outdated span; it proposed nothing.
 * </ul>
 *
 * <p>Roads not taken. <i>Parallel commits</i> (CockroachDB: a STAGING record and participants'
 * prepares in one round, the decision implied by them) save a round trip but make recovery read
 * every participant; with Paxos groups per range, one more write in the coordinator range is simpler
 * to argue. <i>A coordinator-owned record written at begin</i> (heartbeated) gives faster recovery of a
 * dead gateway but costs a write per transaction; here the deadline plays that role. <i>Locks</i>
 * instead of optimistic validation: DESIGN §6 aborts at once on conflict, so no deadlocks and no waits
 * in the coordinator.
 */
package dev.meridian.txn.coordinator;
