package dev.meridian.txn.coordinator;

/**
 * What the coordinators of one node have done since it started; shared by them on the node's
 * transaction loop (one thread), exported as metrics ({@code meridian_txn_coordinator_*}).
 */
public final class CoordinatorCounters {
  long fastPathCommits;
  long twoPhaseCommits;
  long conflicts;
  long outcomesUnknown;
  long unavailable;
  long limitRefusals;
  long redirects;
  long regroups;
  long staleReplies;
  long resolvesSent;
  long resolvesInFlight;
  long resolvesAbandoned;
  long abortsLearnedFromRecord;

  public long fastPathCommits() {
    return fastPathCommits;
  }

  public long twoPhaseCommits() {
    return twoPhaseCommits;
  }

  /** Answered 40001 because a participant refused. */
  public long conflicts() {
    return conflicts;
  }

  /** Answered 40003. */
  public long outcomesUnknown() {
    return outcomesUnknown;
  }

  /** Answered retryable because the deadline passed before a commit decision was proposed. */
  public long unavailable() {
    return unavailable;
  }

  /** Commits refused with 54000 (write buffer, read set or participants over their bound). */
  public long limitRefusals() {
    return limitRefusals;
  }

  public long redirects() {
    return redirects;
  }

  /** Times a transaction's keys were grouped again after descriptors changed. */
  public long regroups() {
    return regroups;
  }

  /** Replies to requests already given up on or answered, dropped. */
  public long staleReplies() {
    return staleReplies;
  }

  public long resolvesSent() {
    return resolvesSent;
  }

  /** Gauge: resolve requests outstanding now, over all coordinators of the node. */
  public long resolvesInFlight() {
    return resolvesInFlight;
  }

  /** Resolves given up after {@link CoordinatorLimits#maxResolveAttempts}; recovery finishes them. */
  public long resolvesAbandoned() {
    return resolvesAbandoned;
  }

  /** Commit decisions that found an abort already recorded (recovery expired the transaction first). */
  public long abortsLearnedFromRecord() {
    return abortsLearnedFromRecord;
  }
}
