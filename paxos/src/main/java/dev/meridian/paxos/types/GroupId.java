package dev.meridian.paxos.types;

/** Identity of one Paxos group (one range). A node hosts replicas of many groups. */
public record GroupId(long value) {

  @Override
  public String toString() {
    return "g" + value;
  }
}
