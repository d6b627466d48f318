/**
 * Ranges hosted on the Paxos driver (DESIGN §11): {@link dev.meridian.txn.host.HostedRangeMachine}
 * is the driver's durable state machine over a range's {@code RangeStateMachine}; {@link
 * dev.meridian.txn.host.LeaseholderHost} runs the range's {@code LeaseholderCore} while the replica
 * leads with a lease; {@link dev.meridian.txn.host.RangeServer} hosts a node's replicas, one Paxos
 * group per range, and serves the {@code dev.meridian.txn.wire} request types on the node's {@code
 * Rpc} endpoint.
 *
 * <p>Not hosted yet: splits (a {@code Split} command fails the replica loudly), hand-overs on lease
 * transfers (a driver transfer of a range's group works: its target starts above the cluster's clock
 * bound instead, which costs it a commit wait of about that bound), closed timestamps, and stuck
 * prepare recovery on the participant side. {@code leaseholder.LogSlot} stays: the adapter maps the
 * driver's {@code Slot} onto it at the seam.
 */
package dev.meridian.txn.host;
