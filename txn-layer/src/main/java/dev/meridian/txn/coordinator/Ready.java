package dev.meridian.txn.coordinator;

import dev.meridian.storage.Timestamp;
import dev.meridian.txn.coordinator.message.Outbound;
import dev.meridian.txn.coordinator.message.Refresh;
import java.util.List;

/**
 * What a coordinator asks its driver to do after one input. The driver acts in field order:
 * <ol>
 *   <li>{@code refreshes}: start refreshing these descriptors; call {@code onDescriptorsRefreshed}
 *       when done (or when the refresh failed: the coordinator asks again or gives up at its
 *       deadline);
 *   <li>{@code requests}: send each to its target's leaseholder; each ends in exactly one {@code
 *       onReply} or {@code onTimeout} naming its id;
 *   <li>{@code answer}: if not null, tell the client. It is the transaction's only answer, and a
 *       commit answer comes only after true time passed the commit timestamp. Sending the requests
 *       of the same Ready first lets resolves start early; the answer does not depend on them;
 *   <li>{@code wakeAfter}: if not null, call {@code tick} once {@code TT.after(wakeAfter)} holds
 *       (commit wait, the deadline). Given only when it changes; it replaces the one before. An
 *       early or extra tick is harmless, a missing one leaves commit wait unfinished.
 * </ol>
 */
public record Ready(
    List<Refresh> refreshes, List<Outbound> requests, ClientAnswer answer, Timestamp wakeAfter) {

  public static final Ready NOTHING = new Ready(List.of(), List.of(), null, null);

  public Ready {
    refreshes = List.copyOf(refreshes);
    requests = List.copyOf(requests);
  }

  public boolean isEmpty() {
    return refreshes.isEmpty() && requests.isEmpty() && answer == null && wakeAfter == null;
  }
}
