package dev.meridian.txn.wire;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.rpc.RequestType;
import dev.meridian.storage.Key;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.Objects;

/**
 * What a gateway sends a range's leaseholder to split the range (envelope type 107), served by
 * {@code host.RangeServer} through {@code LeaseholderCore#split}. Sent {@link RequestType#once}: a
 * second copy after the first applied would meet the next generation and be refused, which would
 * hide that the split happened; the caller reads the directory back instead.
 */
public final class SplitRequests {

  private SplitRequests() {}

  /** Split {@code range} (as the sender knows it, at {@code generation}) at {@code splitKey}; the right side becomes {@code newRange}. */
  public record Split(RangeId range, long generation, Key splitKey, RangeId newRange) {
    public Split {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(splitKey, "splitKey");
      Objects.requireNonNull(newRange, "newRange");
    }
  }

  /** The leaseholder's answer. */
  public sealed interface Answer {}

  /** The split is applied at the leaseholder: the two descriptors as its replicas now hold them. */
  public record Done(RangeDescriptor left, RangeDescriptor right) implements Answer {
    public Done {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }
  }

  /** Certainly not applied, for the reason {@code redirect} names (as a read's refusal does). */
  public record Refused(SnapshotReads.Redirect redirect, NodeId leaseholderHint, String why) implements Answer {
    public Refused {
      Objects.requireNonNull(redirect, "redirect");
      Objects.requireNonNull(why, "why");
    }
  }

  /** The lease was lost while the split was proposed: it may or may not be applied. */
  public record Unknown(String why) implements Answer {
    public Unknown {
      Objects.requireNonNull(why, "why");
    }
  }

  public static final RequestType<Split, Answer> SPLIT =
      RequestType.once(107, "range-split", WireCodec.SPLIT, WireCodec.SPLIT_ANSWER);
}
