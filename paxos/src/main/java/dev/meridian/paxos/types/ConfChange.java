package dev.meridian.paxos.types;

import dev.meridian.runtime.NodeId;
import java.nio.ByteBuffer;

/**
 * One membership step, carried in the log. Layout of {@link #encode()}: one byte {@link Type#ordinal()},
 * then the node id as a big-endian int.
 */
public record ConfChange(Type type, NodeId node) {

  public enum Type {
    /** A new non-voting replica: receives the log, counts in no quorum. */
    ADD_LEARNER,
    /** A caught-up learner becomes a voter. */
    PROMOTE,
    /** A voter leaves the group. */
    REMOVE_VOTER
  }

  public static ConfChange addLearner(NodeId node) {
    return new ConfChange(Type.ADD_LEARNER, node);
  }

  public static ConfChange promote(NodeId node) {
    return new ConfChange(Type.PROMOTE, node);
  }

  public static ConfChange removeVoter(NodeId node) {
    return new ConfChange(Type.REMOVE_VOTER, node);
  }

  public byte[] encode() {
    return ByteBuffer.allocate(5).put((byte) type.ordinal()).putInt(node.value()).array();
  }

  public static ConfChange decode(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new ConfChange(Type.values()[buffer.get()], new NodeId(buffer.getInt()));
  }

  @Override
  public String toString() {
    return type.name().toLowerCase().replace('_', '-') + " " + node;
  }
}
