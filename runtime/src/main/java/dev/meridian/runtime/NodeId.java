package dev.meridian.runtime;

/** The identity of a node in a cluster. Node ids are positive and never reused. */
public record NodeId(int value) implements Comparable<NodeId> {

  public NodeId {
    if (value <= 0) {
      throw new IllegalArgumentException("node id must be positive, got " + value);
    }
  }

  @Override
  public int compareTo(NodeId other) {
    return Integer.compare(value, other.value);
  }

  @Override
  public String toString() {
    return "n" + value;
  }
}
