package dev.meridian.txn.gateway;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How the gateway reaches any replica of a range for a stale read (M7), beside {@link RangeChannel},
 * which reaches leaseholders. The range host implements it by asking the target replica's {@code
 * follower.FollowerReads} ({@code admitStale}) and, if admitted, reading its state machine's
 * snapshot; it needs no lease, so a voter, a non-voter or the leaseholder's own replica may answer.
 * The contract of every call is {@link RangeChannel}'s ({@code done} once, never inside the call;
 * {@link ChannelAnswer.Misrouted} {@code RangeNotFound} when the node hosts no replica of the range,
 * or {@code StaleGeneration} when the request's keys are outside it now).
 */
public interface FollowerReadChannel {

  /**
   * A read of {@code key} at {@code readTs} at replica {@code target}: the newest version at or
   * below it. Stale ({@code strong} false): served iff the replica's safe time covers {@code readTs}
   * ({@code FollowerReads.admitStale}). Strong: the host first asks the range's leaseholder for its
   * applied point over the key ({@code LeaseholderCore.readIndex}, one small round trip), then
   * serves the read at {@code target} once its replica has applied that slot ({@code admitStrong});
   * {@link FollowerRead.NotYet} if it cannot (leaseholder unreachable, too many waiting).
   */
  void followerGet(RangeChannel.Target target, Key key, Timestamp readTs, boolean strong, long timeoutNanos,
      Consumer<ChannelAnswer<FollowerRead<Optional<Version>>>> done);

  /** A scan of {@code span} at {@code readTs} at replica {@code target}, as {@link RangeChannel#scan}; {@code strong} as above. */
  void followerScan(RangeChannel.Target target, KeySpan span, Timestamp readTs, boolean strong, Direction direction,
      int maxRows, long timeoutNanos, Consumer<ChannelAnswer<FollowerRead<List<Version>>>> done);

  /** Replica {@code target}'s safe time now ({@code FollowerReads.safeTime}), for bounded staleness. */
  void safeTime(RangeChannel.Target target, long timeoutNanos, Consumer<ChannelAnswer<Timestamp>> done);
}
