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
 *   <li>{@code codec}: versioned binary codecs of every value and message (byte layouts there).
 *   <li>{@code driver}: {@link dev.meridian.paxos.driver.PaxosDriver}, which runs every replica of a
 *       node on one event loop and connects it to {@link dev.meridian.paxos.driver.PaxosStorage}
 *       (durable state: {@link dev.meridian.paxos.driver.RocksPaxosStorage}, whose key layout is
 *       documented there, or in memory for tests), the network and the state machines.
 * </ul>
 *
 * <h2>When state is persisted</h2>
 *
 * Everything a {@link dev.meridian.paxos.replica.Ready} lists under persist, in one synced write
 * (group-committed across groups), <b>before</b> any of its messages is sent (with the one
 * relaxation Ready documents for commit-point-only writes). On restart the driver rebuilds a {@link
 * dev.meridian.paxos.replica.DurableState} from it. A durable state machine (in the node's RocksDB)
 * applies unsynced and reports its applied slot back on restart; one that keeps no durable state of
 * its own is rebuilt from the snapshot and the committed log. The argument for why unsynced applies
 * are safe is on {@link dev.meridian.paxos.driver.PaxosDriver.StateMachine}.
 *
 * <h2>Snapshots</h2>
 *
 * The replica core names a snapshot (slot, membership) in {@code InstallSnapshot}; the driver
 * streams the state machine's image as {@code SnapshotChunk}s of bounded size with a window of acks
 * ({@link dev.meridian.paxos.driver.OutgoingSnapshot}), the receiver stages them ({@link
 * dev.meridian.paxos.driver.SnapshotSink}) and hands the metadata to its replica, which persists it
 * before the image is installed.
 *
 * <p>Nothing here is static or global: a node runs one replica per group and a driver that routes
 * messages by {@link dev.meridian.paxos.types.GroupId}, ticks every replica and processes their Readys.
 */
package dev.meridian.paxos;
