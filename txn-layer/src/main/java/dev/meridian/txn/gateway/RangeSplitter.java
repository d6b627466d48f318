package dev.meridian.txn.gateway;

import dev.meridian.runtime.Scheduler;
import dev.meridian.storage.Key;
import dev.meridian.txn.ReadWriteTxn;
import dev.meridian.txn.TxnException;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.TxnUnavailableException;
import dev.meridian.txn.directory.ClusterKeySpace;
import dev.meridian.txn.directory.CorruptDescriptorException;
import dev.meridian.txn.directory.DirectoryLimits;
import dev.meridian.txn.directory.MetaLayout;
import dev.meridian.txn.directory.SplitRefusedException;
import dev.meridian.txn.leaseholder.Refusal;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Splits ranges from a gateway (DESIGN §7: "splits are commands in the range's own log plus a
 * directory update"), and files descriptors in the meta range. The entry point SQL will call for
 * {@code ALTER TABLE … SPLIT AT} and for the splits of CREATE TABLE ({@link
 * ClusterKeySpace#splitsForNewTable}, each key of which is one {@link #split}); the caller checks the
 * key with {@code directory.SplitPlanner} first (this class splits at any key strictly inside a
 * range, as the simulator's key space needs).
 *
 * <h2>How the split and the directory update relate</h2>
 *
 * A split is three steps, each its own atomic act:
 * <ol>
 *   <li><b>An id.</b> A read-modify-write transaction on the next-range-id key ({@link
 *       ClusterKeySpace#nextRangeIdKey()}, in the system range) takes the next id. An id whose split
 *       never happens is simply skipped: ids need only be unique.
 *   <li><b>The split</b>, a {@code RangeCommand.Split} in the range's own log, proposed by its
 *       leaseholder ({@code LeaseholderCore#split}) against the generation this gateway saw. From
 *       its apply on, each replica owns only the left span at generation + 1 and hosts the right as
 *       a new group; requests still routed by the old descriptor are refused as stale (nothing done).
 *   <li><b>The directory update</b>: one transaction on the meta range that files left and right
 *       ({@link #file}), each only over an entry of lower generation, so a late update never undoes
 *       a newer split's.
 * </ol>
 * <p>Why split first and update after, not one 2PC transaction that applies the split at commit:
 * the split must be ordered in the range's log against that range's own commits (it freezes and
 * hands over the right side's timestamps), which a meta-range transaction cannot do without making
 * the split a participant's prepared state with its own recovery. The window between steps 2 and 3
 * is safe because generations order every descriptor of a key: a gateway that read the old entry
 * sends at the old generation, is refused as stale before anything runs, looks up again, and once
 * the entries are filed finds the new range; its cache never takes the old descriptor back over the
 * newer ones ({@code RangeCache} invariant 2). A lookup between the steps may find no entry that
 * holds its key (the right's entry filed first) and retries: the window costs retries, never a
 * wrong answer. The directory is complete again once step 3 ran; if this gateway dies between the
 * steps, the leaseholders of both halves file their own descriptors ({@code host.DirectoryRepair},
 * with this class's {@link #file}), so step 3 happens exactly when it is still needed.
 *
 * <p>Not thread-safe: {@link #split} and {@link #file} run on the gateway's loop (they hand
 * themselves there).
 */
public final class RangeSplitter {

  private final GatewayTxnClient client;
  private final Gateway gateway;
  private final Key nextRangeIdKey;
  private final long firstRangeId;
  private final int maxAttempts;

  /**
   * @param nextRangeIdKey where the next range id is kept ({@link ClusterKeySpace#nextRangeIdKey()}
   *     in a cluster)
   * @param firstRangeId the id to take when the key holds nothing yet (the first id above the
   *     bootstrap ranges')
   * @param maxAttempts tries of each step that a conflict or a retryable refusal sends back
   */
  public RangeSplitter(GatewayTxnClient client, Gateway gateway, Key nextRangeIdKey, long firstRangeId,
      int maxAttempts) {
    this.client = client;
    this.gateway = gateway;
    this.nextRangeIdKey = nextRangeIdKey;
    this.firstRangeId = firstRangeId;
    this.maxAttempts = maxAttempts;
  }

  /**
   * A splitter of a cluster laid out by {@link ClusterKeySpace}, trying each step as often as the
   * gateway tries a route ({@link GatewayLimits#maxRouteAttempts}): the range after a split that
   * CREATE TABLE made a moment ago is still electing its first leaseholder, so the next split at the
   * table's end must wait out an election as a read would.
   */
  public static RangeSplitter forCluster(GatewayTxnClient client, Gateway gateway) {
    return new RangeSplitter(client, gateway, ClusterKeySpace.nextRangeIdKey(),
        ClusterKeySpace.FIRST_ALLOCATED_RANGE_ID, gateway.limits().maxRouteAttempts());
  }

  /**
   * Splits the range holding {@code splitKey} at it and files both halves in the meta range.
   * Completes with the two descriptors; exceptionally with {@link SplitRefusedException} ({@code
   * AT_EXISTING_BOUNDARY}) when {@code splitKey} already starts a range, {@link
   * TxnOutcomeUnknownException} (40003) when the split may or may not have applied (the directory is
   * then filed by the halves' leaseholders if it did), or {@link TxnUnavailableException} after
   * {@code maxAttempts} refusals.
   */
  public CompletableFuture<RangeChannel.SplitResult> split(Key splitKey) {
    CompletableFuture<RangeChannel.SplitResult> result = new CompletableFuture<>();
    gateway.loop().execute(() -> forward(() -> allocate(1)
        .thenCompose(id -> splitWith(splitKey, id, 1))
        .thenCompose(done -> file(List.of(done.left(), done.right())).thenApply(filed -> done)), result));
    return result;
  }

  /**
   * Files {@code descriptors} in the meta range in one transaction: each is written at its entry
   * key unless that entry already holds a descriptor of the same or a higher generation. Completes
   * with how many entries were written (0: the directory had them, or newer ones).
   */
  public CompletableFuture<Integer> file(List<RangeDescriptor> descriptors) {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    gateway.loop().execute(() -> forward(() -> fileAttempt(List.copyOf(descriptors), 1), result));
    return result;
  }

  // ---------------------------------------------------------------------------------------------

  private CompletableFuture<RangeId> allocate(int attempt) {
    ReadWriteTxn txn = client.beginReadWrite();
    return retrying(attempt, txn, () -> txn.get(nextRangeIdKey).thenCompose(stored -> {
      long id = Math.max(firstRangeId, stored.map(RangeSplitter::decodeId).orElse(firstRangeId));
      txn.put(nextRangeIdKey, encodeId(id + 1));
      return txn.commit().thenApply(ts -> new RangeId(id));
    }), () -> allocate(attempt + 1));
  }

  private CompletableFuture<RangeChannel.SplitResult> splitWith(Key splitKey, RangeId newRange, int attempt) {
    return gateway.locate(splitKey).thenCompose(range -> {
      if (range.descriptor().span().start().equals(splitKey)) {
        return CompletableFuture.failedFuture(new SplitRefusedException(SplitRefusedException.Reason.AT_EXISTING_BOUNDARY,
            splitKey, splitKey + " already starts range " + range.descriptor().id()));
      }
      return gateway.sendSplit(range, splitKey, newRange).thenCompose(answer -> switch (answer) {
        case ChannelAnswer.Replied<RangeChannel.SplitResult> replied -> CompletableFuture.completedFuture(replied.value());
        case ChannelAnswer.TimedOut<RangeChannel.SplitResult> timedOut -> CompletableFuture.failedFuture(unknown(
            "the split of " + range.descriptor().id() + " at " + splitKey + " got no answer"));
        case ChannelAnswer.Refused<RangeChannel.SplitResult> refused
            when refused.refusal().kind() == Refusal.Kind.OUTCOME_UNKNOWN ->
            CompletableFuture.failedFuture(unknown(refused.refusal().message()));
        default -> {
          // Certainly not applied: a routing answer (applied to the cache already) or a retryable refusal.
          if (attempt >= maxAttempts) {
            yield CompletableFuture.failedFuture(new TxnUnavailableException("the split at " + splitKey + " was refused "
                + attempt + " times (last: " + answer + "); retry later", null));
          }
          yield later(attempt, () -> splitWith(splitKey, newRange, attempt + 1));
        }
      });
    });
  }

  private CompletableFuture<Integer> fileAttempt(List<RangeDescriptor> descriptors, int attempt) {
    ReadWriteTxn txn = client.beginReadWrite();
    List<Key> keys = new ArrayList<>(descriptors.size());
    descriptors.forEach(d -> keys.add(MetaLayout.entryKey(d)));
    return retrying(attempt, txn, () -> txn.getAll(keys).thenCompose(stored -> {
      int written = 0;
      for (int i = 0; i < descriptors.size(); i++) {
        RangeDescriptor descriptor = descriptors.get(i);
        if (newerThanStored(descriptor, keys.get(i), stored.get(i))) {
          MetaLayout.MetaWrite entry = MetaLayout.entry(descriptor);
          txn.put(entry.key(), entry.value());
          written++;
        }
      }
      int count = written;
      return txn.commit().thenApply(ts -> count);
    }), () -> fileAttempt(descriptors, attempt + 1));
  }

  /** Whether {@code descriptor} should replace what its entry holds (nothing, or an older generation). */
  private static boolean newerThanStored(RangeDescriptor descriptor, Key entryKey, Optional<byte[]> stored) {
    if (stored.isEmpty()) {
      return true;
    }
    try {
      return MetaLayout.decodeEntry(entryKey, stored.get(), DirectoryLimits.defaults()).generation()
          < descriptor.generation();
    } catch (CorruptDescriptorException corrupt) {
      return true; // A damaged entry routes nobody; the descriptor a replica holds is the truth.
    }
  }

  /**
   * Runs {@code body} in {@code txn}; a retryable failure (a conflict: nothing applied) runs {@code
   * again} after the gateway's backoff, up to {@code maxAttempts}.
   */
  private <T> CompletableFuture<T> retrying(int attempt, ReadWriteTxn txn, Supplier<CompletableFuture<T>> body,
      Supplier<CompletableFuture<T>> again) {
    CompletableFuture<T> result = new CompletableFuture<>();
    body.get().whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
        return;
      }
      txn.abort();
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof TxnException txnFailure && txnFailure.isRetryable() && attempt < maxAttempts) {
        later(attempt, again).whenComplete((v, f) -> {
          if (f != null) {
            result.completeExceptionally(f);
          } else {
            result.complete(v);
          }
        });
      } else {
        result.completeExceptionally(cause);
      }
    });
    return result;
  }

  private <T> CompletableFuture<T> later(int attempt, Supplier<CompletableFuture<T>> work) {
    Scheduler loop = gateway.loop();
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.schedule(gateway.limits().backoffNanos(attempt), () -> forward(work, result));
    return result;
  }

  private static <T> void forward(Supplier<CompletableFuture<T>> work, CompletableFuture<T> result) {
    CompletableFuture<T> started;
    try {
      started = work.get();
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    started.whenComplete((value, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure);
      } else {
        result.complete(value);
      }
    });
  }

  private static TxnOutcomeUnknownException unknown(String why) {
    return new TxnOutcomeUnknownException(why + "; the split may or may not have applied (the halves' leaseholders"
        + " file the directory if it did): look the key's range up before splitting again", null);
  }

  /** The next-range-id value: int64 big-endian. */
  static byte[] encodeId(long id) {
    return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
  }

  static long decodeId(byte[] value) {
    if (value.length != Long.BYTES) {
      throw new CorruptDescriptorException("the next range id holds " + value.length + " bytes, not 8");
    }
    return ByteBuffer.wrap(value).getLong();
  }
}
