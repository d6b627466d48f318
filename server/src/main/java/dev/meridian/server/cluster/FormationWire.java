package dev.meridian.server.cluster;

import dev.meridian.runtime.NodeId;
import dev.meridian.server.NodeIdentity;
import dev.meridian.server.cluster.proto.HeartbeatMsg;
import dev.meridian.server.cluster.proto.HeartbeatReply;
import dev.meridian.server.cluster.proto.InitReply;
import dev.meridian.server.cluster.proto.JoinReply;
import dev.meridian.server.cluster.proto.JoinRequestMsg;
import dev.meridian.server.cluster.proto.MemberMsg;
import dev.meridian.server.cluster.proto.NodeEpochMsg;
import dev.meridian.txn.cluster.Member;
import dev.meridian.txn.cluster.Messages;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The formation core's messages ({@link Messages}) to and from their protobuf form in {@code
 * formation.proto}. A malformed message (a node id out of range, a region or address that is not
 * one, an epoch below 1) fails with an
 * {@link IllegalArgumentException} from the core's record constructors, which the service answers
 * as {@code INVALID_ARGUMENT}.
 */
final class FormationWire {

  /** {@code host:port} (an IPv6 host in brackets), or empty for an endpoint not bound yet. */
  private static final Pattern ADDRESS = Pattern.compile("|[^\\s:\\[\\]]+:\\d{1,5}|\\[[^\\s\\[\\]]+\\]:\\d{1,5}");

  private FormationWire() {}

  static MemberMsg toProto(Member member) {
    return MemberMsg.newBuilder()
        .setNodeId(member.nodeId().value())
        .setStoreId(member.storeId())
        .setRegion(member.region())
        .setZone(member.zone())
        .setClusterAddress(member.addresses().cluster())
        .setSqlAddress(member.addresses().sql())
        .setAdminAddress(member.addresses().admin())
        .setEpoch(member.epoch())
        .setGeneration(member.generation())
        .build();
  }

  /**
   * A peer's record of a member, checked as this node checks its own flags: it is kept in {@code
   * CLUSTER_MEMBERS} (space-separated fields, so a space in one would make the file unreadable and
   * the next start refuse it), shown in {@code /nodes}, and its node id must fit row ids; ids up to
   * {@link NodeIdentity#MAX_NODE_ID} also bound the registry a peer can make this node keep.
   */
  static Member fromProto(MemberMsg msg) {
    if (msg.getNodeId() < 1 || msg.getNodeId() > NodeIdentity.MAX_NODE_ID) {
      throw new IllegalArgumentException("member node id " + msg.getNodeId() + " is outside 1 to "
          + NodeIdentity.MAX_NODE_ID);
    }
    if (!NodeIdentity.isLocationName(msg.getRegion())
        || !NodeIdentity.isZone(msg.getZone())) {
      throw new IllegalArgumentException("member n" + msg.getNodeId() + " has region '" + msg.getRegion()
          + "' and zone '" + msg.getZone() + "': not names --region and --zone would take");
    }
    try {
      UUID.fromString(msg.getStoreId());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("member n" + msg.getNodeId() + " has store id '" + msg.getStoreId()
          + "', not a UUID as NodeIncarnation makes them", e);
    }
    for (String address : List.of(msg.getClusterAddress(), msg.getSqlAddress(), msg.getAdminAddress())) {
      if (!ADDRESS.matcher(address).matches()) {
        throw new IllegalArgumentException("member n" + msg.getNodeId() + " has address '" + address
            + "', not host:port");
      }
    }
    return new Member(new NodeId(msg.getNodeId()), msg.getStoreId(), msg.getRegion(), msg.getZone(),
        new Member.Addresses(msg.getClusterAddress(), msg.getSqlAddress(), msg.getAdminAddress()), msg.getEpoch(),
        msg.getGeneration());
  }

  static List<MemberMsg> toProto(List<Member> members) {
    return members.stream().map(FormationWire::toProto).toList();
  }

  static List<Member> fromProto(List<MemberMsg> members) {
    return members.stream().map(FormationWire::fromProto).toList();
  }

  static InitReply toProto(Messages.InitAnswer answer) {
    return switch (answer) {
      case Messages.Initialized initialized -> InitReply.newBuilder()
          .setClusterId(initialized.clusterId())
          .addAllFounders(toProto(initialized.founders()))
          .build();
      case Messages.AlreadyInitialized already -> InitReply.newBuilder()
          .setAlreadyInitialized(true)
          .setClusterId(already.clusterId())
          .build();
    };
  }

  static JoinRequestMsg toProto(Messages.JoinRequest request) {
    return JoinRequestMsg.newBuilder().setClusterId(request.clusterId()).setJoiner(toProto(request.joiner())).build();
  }

  static Messages.JoinRequest fromProto(JoinRequestMsg msg) {
    return new Messages.JoinRequest(msg.getClusterId(), fromProto(msg.getJoiner()));
  }

  static JoinReply toProto(Messages.JoinAnswer answer) {
    return switch (answer) {
      case Messages.NotInitialized ignored -> JoinReply.newBuilder().setKind(JoinReply.Kind.NOT_INITIALIZED).build();
      case Messages.Joined joined -> JoinReply.newBuilder()
          .setKind(JoinReply.Kind.JOINED)
          .setClusterId(joined.clusterId())
          .addAllMembers(toProto(joined.members()))
          .setMinimumEpoch(joined.minimumEpoch())
          .build();
      case Messages.JoinRefused refused -> JoinReply.newBuilder()
          .setKind(JoinReply.Kind.REFUSED)
          .setReason(refused.reason())
          .build();
    };
  }

  static Messages.JoinAnswer fromProto(JoinReply reply) {
    return switch (reply.getKind()) {
      case NOT_INITIALIZED -> new Messages.NotInitialized();
      case JOINED -> new Messages.Joined(reply.getClusterId(), fromProto(reply.getMembersList()),
          reply.getMinimumEpoch());
      case REFUSED -> new Messages.JoinRefused(reply.getReason());
      case UNRECOGNIZED -> throw new IllegalArgumentException("unknown join reply kind");
    };
  }

  static List<NodeEpochMsg> nodeEpochsToProto(List<Messages.NodeEpoch> entries) {
    return entries.stream()
        .map(e -> NodeEpochMsg.newBuilder().setNodeId(e.node().value()).setEpoch(e.epoch()).build())
        .toList();
  }

  /** A vote or ended-epoch list; a node id outside 1 to {@link NodeIdentity#MAX_NODE_ID} is malformed. */
  static List<Messages.NodeEpoch> nodeEpochsFromProto(List<NodeEpochMsg> entries) {
    return entries.stream().map(e -> {
      if (e.getNodeId() < 1 || e.getNodeId() > NodeIdentity.MAX_NODE_ID) {
        throw new IllegalArgumentException("node id " + e.getNodeId() + " is outside 1 to " + NodeIdentity.MAX_NODE_ID);
      }
      return new Messages.NodeEpoch(new NodeId(e.getNodeId()), e.getEpoch());
    }).toList();
  }

  static HeartbeatMsg toProto(Messages.Heartbeat heartbeat) {
    return HeartbeatMsg.newBuilder()
        .setClusterId(heartbeat.clusterId())
        .setFrom(toProto(heartbeat.from()))
        .addAllMembers(toProto(heartbeat.members()))
        .addAllUnheard(nodeEpochsToProto(heartbeat.unheard()))
        .addAllEnded(nodeEpochsToProto(heartbeat.ended()))
        .build();
  }

  static Messages.Heartbeat fromProto(HeartbeatMsg msg) {
    return new Messages.Heartbeat(msg.getClusterId(), fromProto(msg.getFrom()), fromProto(msg.getMembersList()),
        nodeEpochsFromProto(msg.getUnheardList()), nodeEpochsFromProto(msg.getEndedList()));
  }

  static HeartbeatReply toProto(Messages.HeartbeatAnswer answer) {
    return switch (answer) {
      case Messages.HeartbeatAck ack -> HeartbeatReply.newBuilder()
          .setKind(HeartbeatReply.Kind.ACK)
          .setResponder(toProto(ack.responder()))
          .addAllMembers(toProto(ack.members()))
          .addAllUnheard(nodeEpochsToProto(ack.unheard()))
          .addAllEnded(nodeEpochsToProto(ack.ended()))
          .build();
      case Messages.DeclaredDead dead -> HeartbeatReply.newBuilder()
          .setKind(HeartbeatReply.Kind.DECLARED_DEAD)
          .setDeadAtEpoch(dead.epoch())
          .build();
      case Messages.NotAMember notAMember -> HeartbeatReply.newBuilder()
          .setKind(HeartbeatReply.Kind.NOT_A_MEMBER)
          .setReason(notAMember.reason())
          .build();
    };
  }

  static Messages.HeartbeatAnswer fromProto(HeartbeatReply reply) {
    return switch (reply.getKind()) {
      case ACK -> new Messages.HeartbeatAck(fromProto(reply.getResponder()), fromProto(reply.getMembersList()),
          nodeEpochsFromProto(reply.getUnheardList()), nodeEpochsFromProto(reply.getEndedList()));
      case DECLARED_DEAD -> new Messages.DeclaredDead(reply.getDeadAtEpoch());
      case NOT_A_MEMBER -> new Messages.NotAMember(reply.getReason());
      case UNRECOGNIZED -> throw new IllegalArgumentException("unknown heartbeat reply kind");
    };
  }
}
