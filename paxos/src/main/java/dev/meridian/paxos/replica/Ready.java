package dev.meridian.paxos.replica;

import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import java.util.List;

/**
 * Everything a replica asks its driver to do, <b>in this order</b>:
 *
 * <ol>
 *   <li><b>Persist</b>, in one synced write (it may be group-committed with other groups'):
 *       <ul>
 *         <li>{@link #snapshot} if not null (key {@code paxos_state/<group>/snapshot}), <i>then</i> delete
 *             log entries up to {@link #compactThrough} if not null ({@code paxos_log/<group>/<slot>});
 *         <li>every entry of {@link #entries} under its slot, replacing what is there;
 *         <li>{@link #hardState} if not null (promised ballot, lease vote, commit point).
 *       </ul>
 *   <li><b>Send</b> {@link #messages}, only after the write above is durable: they promise, accept
 *       and grant leases on the strength of that state. Heartbeats among them may be coalesced per
 *       destination node across groups ({@link dev.meridian.paxos.messages.HeartbeatBatch}).
 *   <li><b>Apply</b>: first install {@link #snapshotToApply} into the state machine if not null, then
 *       apply {@link #committedEntries} in slot order (each exactly once: a durable state machine
 *       records its applied slot with its state and the driver passes it back on restart; a
 *       volatile one restarts empty and is rebuilt from the snapshot and the log).
 *   <li>Call {@link PaxosReplica#advance(Ready)}.
 * </ol>
 *
 * A crash anywhere in this sequence is safe: what was not persisted was never revealed.
 *
 * <p>One relaxation: when the persist section is nothing but a hard state that differs from the last
 * one written only in its commit point, the driver may send and apply before that write is durable,
 * provided the group's later writes become durable only after it. The commit point may lag on disk
 * (a restarted replica relearns it), and a chosen value stays chosen whatever a crash loses; this
 * keeps the leader's commit-point write off the commit path. A state machine that records its
 * applied slot durably must then write it through the same ordered queue, or a crash could leave
 * the applied slot above the durable commit point (which a restart refuses).
 */
public record Ready(
    Snapshot snapshot,
    Slot compactThrough,
    List<Entry> entries,
    HardState hardState,
    List<Envelope> messages,
    Snapshot snapshotToApply,
    List<Entry> committedEntries) {

  public Ready {
    entries = List.copyOf(entries);
    messages = List.copyOf(messages);
    committedEntries = List.copyOf(committedEntries);
  }

  public boolean isEmpty() {
    return snapshot == null
        && compactThrough == null
        && entries.isEmpty()
        && hardState == null
        && messages.isEmpty()
        && snapshotToApply == null
        && committedEntries.isEmpty();
  }

  /** Whether anything must be written before {@link #messages} may be sent. */
  public boolean mustPersist() {
    return snapshot != null || compactThrough != null || !entries.isEmpty() || hardState != null;
  }

  /** The heartbeat envelopes among {@link #messages}, for coalescing. */
  public List<Envelope> heartbeats() {
    return messages.stream().filter(Envelope::isHeartbeat).toList();
  }
}
