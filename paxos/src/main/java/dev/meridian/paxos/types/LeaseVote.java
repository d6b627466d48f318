package dev.meridian.paxos.types;

/**
 * An acceptor's lease vote: it promised the leader of {@code ballot} not to help any other ballot
 * become leader (promise, or grant a lease) until TrueTime says {@code endMicros} has passed. Durable:
 * an acceptor that forgot its vote across a restart could help a second leader while the first still
 * serves reads under its lease.
 */
public record LeaseVote(Ballot ballot, long endMicros) {

  public static final LeaseVote NONE = new LeaseVote(Ballot.ZERO, 0);

  @Override
  public String toString() {
    return isNone() ? "none" : ballot + "<" + endMicros;
  }

  public boolean isNone() {
    return ballot.isZero();
  }
}
