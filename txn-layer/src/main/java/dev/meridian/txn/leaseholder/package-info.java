/**
 * The leaseholder of a range replica (DESIGN §6, §11): {@link
 * dev.meridian.txn.leaseholder.LeaseholderCore}, an I/O-free core that admits snapshot reads, validates
 * and timestamps commits and prepares inside its lease, and speaks to its driver through {@link
 * dev.meridian.txn.leaseholder.LeaseholderReady}. What it needs of the replicated range state machine
 * is {@link dev.meridian.txn.leaseholder.RangeStateView}. Start reading at the core's class comment.
 */
package dev.meridian.txn.leaseholder;
