package dev.meridian.jdbc;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.proto.Responses;

/**
 * Keeps Avatica's protobuf wire format intact when Avatica itself is relocated in the shaded jar.
 *
 * <p>Avatica wraps every message in a {@code WireMessage} whose {@code name} is the Java class name
 * of the message ({@code org.apache.calcite.avatica.proto.Requests$OpenConnectionRequest}). Once
 * shading moves that class under {@code dev.meridian.jdbc.shaded.}, the name it sends would be one
 * no server knows, and the names the server sends back would be ones the client does not know. So
 * the transport rewrites the package of the name: local to canonical on the way out, canonical to
 * local on the way in. Without relocation both packages are equal and the bytes pass untouched.
 */
final class WireNames {
  /**
   * Built at run time: the shade plugin rewrites string constants that spell a relocated package,
   * and this one must stay the canonical name.
   */
  static final String CANONICAL = String.join(".", "org", "apache", "calcite", "avatica", "proto") + ".";

  static final String LOCAL = Common.class.getPackageName() + ".";

  private WireNames() {}

  static boolean relocated() {
    return !CANONICAL.equals(LOCAL);
  }

  static byte[] toServer(byte[] message) {
    return rename(message, LOCAL, CANONICAL);
  }

  static byte[] fromServer(byte[] message) {
    return rename(message, CANONICAL, LOCAL);
  }

  private static byte[] rename(byte[] message, String from, String to) {
    if (from.equals(to)) {
      return message;
    }
    Common.WireMessage wire;
    try {
      wire = Common.WireMessage.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("not an Avatica protobuf WireMessage: " + e.getMessage(), e);
    }
    if (!wire.getName().startsWith(from)) {
      return message;
    }
    return wire.toBuilder().setName(to + wire.getName().substring(from.length())).build().toByteArray();
  }

  /**
   * For a connection whose transport is broken: the answer to a close request, made up locally so
   * that {@code close()} succeeds (the server has lost or will expire the session anyway), or null
   * for any other request. {@code request} is in local names.
   */
  static byte[] closedLocally(byte[] request) {
    String name;
    try {
      name = Common.WireMessage.parseFrom(request).getName();
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
    com.google.protobuf.Message answer;
    if (name.equals(Requests.CloseConnectionRequest.class.getName())) {
      answer = Responses.CloseConnectionResponse.getDefaultInstance();
    } else if (name.equals(Requests.CloseStatementRequest.class.getName())) {
      answer = Responses.CloseStatementResponse.getDefaultInstance();
    } else {
      return null;
    }
    return Common.WireMessage.newBuilder()
        .setName(answer.getClass().getName())
        .setWrappedMessage(answer.toByteString())
        .build()
        .toByteArray();
  }
}
