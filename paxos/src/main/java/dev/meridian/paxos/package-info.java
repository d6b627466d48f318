/**
 * Multi-Paxos replication of one range (DESIGN.md §5).
 *
 * <ul>
 *   <li>{@code types}: value types ({@link dev.meridian.paxos.types.Ballot}, {@link
 *       dev.meridian.paxos.types.Slot}, {@link dev.meridian.paxos.types.Entry}, membership, lease
 *       votes, snapshots).
 *   <li>{@code messages}: the sealed {@link dev.meridian.paxos.messages.Message} set, envelopes, and
 *       {@link dev.meridian.paxos.messages.HeartbeatBatch} for coalescing heartbeats across groups.
 *   <li>{@code replica}: {@link dev.meridian.paxos.replica.PaxosReplica}, the I/O-free state machine
 *       of one replica of one group, and its {@link dev.meridian.paxos.replica.Ready} output.
 * </ul>
 *
 * <h2>What the driver persists (to be wired to the RocksDB engine)</h2>
 *
 * <ul>
 *   <li>{@code paxos_state}, key {@code <group>/hard}: {@link dev.meridian.paxos.replica.HardState}
 *       (promised ballot, lease vote, commit point); key {@code <group>/snapshot}: the latest
 *       snapshot's slot and membership (the data itself with the range snapshot).
 *   <li>{@code paxos_log}, key {@code <group>/<slot, big-endian>}: accepted entries (ballot, kind,
 *       data); a later write of a slot replaces the earlier; entries up to a Ready's {@code
 *       compactThrough} are deleted after its snapshot is durable.
 *   <li>When: everything a {@link dev.meridian.paxos.replica.Ready} lists under persist, in one synced
 *       write (group-committed across groups), <b>before</b> any of its messages is sent; the applied
 *       slot durably with the state machine. On restart the driver rebuilds a {@link
 *       dev.meridian.paxos.replica.DurableState} from these.
 * </ul>
 *
 * <p>Nothing here is static or global: a node runs one replica per group and a driver that routes
 * messages by {@link dev.meridian.paxos.types.GroupId}, ticks every replica and processes their Readys.
 */
package dev.meridian.paxos;
