package dev.meridian.txn.leaseholder;

/**
 * The driver's name for one client request to the leaseholder core; every {@link Reply} carries the
 * id of the request it answers. The driver chooses ids and keeps them unique among the requests one
 * core holds.
 */
public record RequestId(long value) {

  @Override
  public String toString() {
    return "req" + value;
  }
}
