package dev.meridian.server.cluster;

import dev.meridian.runtime.NodeId;
import dev.meridian.server.cluster.proto.HeartbeatMsg;
import dev.meridian.server.cluster.proto.HeartbeatReply;
import dev.meridian.server.cluster.proto.InitReply;
import dev.meridian.server.cluster.proto.JoinReply;
import dev.meridian.server.cluster.proto.JoinRequestMsg;
import dev.meridian.server.cluster.proto.MemberMsg;
import dev.meridian.txn.cluster.Member;
import dev.meridian.txn.cluster.Messages;
import java.util.List;

/**
 * The formation core's messages ({@link Messages}) to and from their protobuf form in {@code
 * formation.proto}. A malformed message (a node id out of range, an epoch below 1) fails with an
 * {@link IllegalArgumentException} from the core's record constructors, which the service answers
 * as {@code INVALID_ARGUMENT}.
 */
final class FormationWire {

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

  static Member fromProto(MemberMsg msg) {
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

  static HeartbeatMsg toProto(Messages.Heartbeat heartbeat) {
    return HeartbeatMsg.newBuilder()
        .setClusterId(heartbeat.clusterId())
        .setFrom(toProto(heartbeat.from()))
        .addAllMembers(toProto(heartbeat.members()))
        .build();
  }

  static Messages.Heartbeat fromProto(HeartbeatMsg msg) {
    return new Messages.Heartbeat(msg.getClusterId(), fromProto(msg.getFrom()), fromProto(msg.getMembersList()));
  }

  static HeartbeatReply toProto(Messages.HeartbeatAnswer answer) {
    return switch (answer) {
      case Messages.HeartbeatAck ack -> HeartbeatReply.newBuilder()
          .setKind(HeartbeatReply.Kind.ACK)
          .setResponder(toProto(ack.responder()))
          .addAllMembers(toProto(ack.members()))
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
      case ACK -> new Messages.HeartbeatAck(fromProto(reply.getResponder()), fromProto(reply.getMembersList()));
      case DECLARED_DEAD -> new Messages.DeclaredDead(reply.getDeadAtEpoch());
      case NOT_A_MEMBER -> new Messages.NotAMember(reply.getReason());
      case UNRECOGNIZED -> throw new IllegalArgumentException("unknown heartbeat reply kind");
    };
  }
}
