/**
 * Reads served by any replica of a range, voter or not, without the leaseholder (DESIGN §6
 * "Read-only transactions", M7). Start with {@link dev.meridian.txn.follower.FollowerReads}: the
 * admission rule of one replica, over its {@code RangeStateMachine}'s safe time. The leaseholder's
 * half (closed timestamps, ReadIndex) is in {@code leaseholder.LeaseholderCore}; the gateway's
 * (choosing a replica, exact and bounded staleness) in {@code gateway.Gateway}.
 */
package dev.meridian.txn.follower;
