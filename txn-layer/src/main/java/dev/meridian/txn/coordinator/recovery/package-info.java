/**
 * Recovery of prepares left stuck (DESIGN §6): {@link
 * dev.meridian.txn.coordinator.recovery.StuckPrepareRecovery} on the participant's leaseholder asks
 * the coordinator range, and {@link dev.meridian.txn.coordinator.recovery.DecisionAuthority} on the
 * coordinator range's leaseholder answers from the write-once record or records an abort for an
 * expired transaction. Both are I/O-free and called by the leaseholder core (helper "leaseholder").
 */
package dev.meridian.txn.coordinator.recovery;
