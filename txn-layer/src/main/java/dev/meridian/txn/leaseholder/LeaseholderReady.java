package dev.meridian.txn.leaseholder;

import dev.meridian.storage.Timestamp;
import dev.meridian.txn.range.command.RangeCommand;
import java.util.List;

/**
 * Everything the core asks its driver to do since the last {@link LeaseholderCore#ready()}, <b>in
 * this order</b>:
 *
 * <ol>
 *   <li><b>Propose</b> {@link #proposals} to the range's Paxos group, in list order (a commit's
 *       timestamp order is its proposal order). A proposal Paxos refuses (not leader, not ready) is
 *       reported back with {@link LeaseholderCore#proposalRefused}: it is certainly not in the log.
 *   <li><b>Run</b> {@link #storageTasks} against a storage snapshot taken after every command already
 *       reported as applied is visible in storage, off the loop; hand the results back on the loop.
 *       (A read here is already admitted: the watermark covers it and nothing in flight at or below
 *       its timestamp touches its keys, so the snapshot may be taken at any later moment.)
 *   <li><b>Send</b> {@link #replies}. They are final: a commit's reply comes only after its commit
 *       wait, a refusal says whether the request may have taken effect.
 *   <li><b>Hand over</b>: if {@link #handover} is not null, send it to its target, and only then ask
 *       Paxos to transfer leadership: the target must build its core with it (or, without it, as
 *       after an election, above this lease's end).
 *   <li><b>Set timers</b>: for each of {@link #commitWaitDeadlines} call {@link LeaseholderCore#tick}
 *       once {@code TT.after(deadline)} holds ({@code CommitWait.untilAfter}); for each of {@link
 *       #futureReadDeadlines} once {@code TT.now().latest >= deadline}. Extra ticks are harmless.
 * </ol>
 */
public record LeaseholderReady(
    List<RangeCommand> proposals,
    List<StorageTask> storageTasks,
    List<Reply> replies,
    Handover handover,
    List<Timestamp> commitWaitDeadlines,
    List<Timestamp> futureReadDeadlines) {

  public LeaseholderReady {
    proposals = List.copyOf(proposals);
    storageTasks = List.copyOf(storageTasks);
    replies = List.copyOf(replies);
    commitWaitDeadlines = List.copyOf(commitWaitDeadlines);
    futureReadDeadlines = List.copyOf(futureReadDeadlines);
  }

  public boolean isEmpty() {
    return proposals.isEmpty()
        && storageTasks.isEmpty()
        && replies.isEmpty()
        && handover == null
        && commitWaitDeadlines.isEmpty()
        && futureReadDeadlines.isEmpty();
  }
}
