package dev.meridian.server.transport;

import static dev.meridian.server.transport.TestNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.meridian.runtime.NodeId;
import dev.meridian.server.transport.proto.Frame;
import dev.meridian.server.transport.proto.Hello;
import dev.meridian.server.transport.proto.TransportGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that speaks garbage on the transport's method must lose its stream, never take the node
 * down: after each kind of garbage the node still talks to a well-behaved peer.
 */
class GarbagePeerTest {

  /** Connect with raw bytes both ways, so the test can send what no real transport would. */
  private static final MethodDescriptor<byte[], byte[]> RAW_CONNECT =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(TransportGrpc.getConnectMethod().getFullMethodName())
          .setRequestMarshaller(new RawBytes())
          .setResponseMarshaller(new RawBytes())
          .build();

  private TestNode n2;
  private TestNode n3;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    n2 = TestNode.start(2);
    n3 = TestNode.start(3);
    n2.peer(n3);
    n3.peer(n2);
    // n1 is a peer n2 expects to be dialed by; the test plays n1 by hand.
    n2.transport.setPeer(new NodeId(1), new InetSocketAddress("127.0.0.1", TestNode.unusedPort()));
    channel = NettyChannelBuilder.forAddress(n2.address()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    n2.close();
    n3.close();
  }

  @Test
  void bytesThatAreNotAFrameCloseTheStream() throws Exception {
    RawCall call = new RawCall(channel);
    call.send(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01, 0x02});
    assertThat(call.closed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).isOk()).isFalse();
    assertNodeStillWorks();
  }

  @Test
  void aFirstFrameWithoutHelloClosesTheStream() throws Exception {
    RawCall call = new RawCall(channel);
    call.send(Frame.newBuilder().addEnvelopes(ByteString.copyFrom(new byte[] {0, 1})).build()
        .toByteArray());
    assertThat(call.closed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(n2.transport.stats().malformedFrames()).isEqualTo(1);
    assertNodeStillWorks();
  }

  @Test
  void aMalformedEnvelopeAfterAGoodHelloClosesTheStream() throws Exception {
    RawCall call = new RawCall(channel);
    call.send(helloFrom(1));
    Frame reply = Frame.parseFrom(call.received.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    assertThat(reply.getHello().getNodeId()).isEqualTo(2);
    TestNode.await("n2 sees n1 connected", () -> n2.transport.stats().connectedPeers() == 2);

    call.send(Frame.newBuilder().addEnvelopes(ByteString.copyFrom(new byte[] {9, 9, 9})).build()
        .toByteArray());
    assertThat(call.closed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(n2.transport.stats().malformedFrames()).isEqualTo(1);
    TestNode.await("n2 forgot the bad stream", () -> n2.transport.stats().connectedPeers() == 1);
    assertNodeStillWorks();
  }

  @Test
  void aDialerWithTheWrongNodeOrderIsRefused() throws Exception {
    RawCall call = new RawCall(channel);
    call.send(helloFrom(3));
    assertThat(call.closed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(n2.transport.stats().handshakesRefused()).isEqualTo(1);
    assertNodeStillWorks();
  }

  private static byte[] helloFrom(int node) {
    return Frame.newBuilder()
        .setHello(Hello.newBuilder().setClusterId(TestNode.CLUSTER).setNodeId(node))
        .build()
        .toByteArray();
  }

  private void assertNodeStillWorks() throws InterruptedException {
    n2.send(n3, "still here");
    assertThat(n3.take().text()).isEqualTo("still here");
    n3.send(n2, "me too");
    assertThat(n2.take().text()).isEqualTo("me too");
  }

  /** One raw call: what the node sends lands in {@code received}, the end in {@code closed}. */
  private static final class RawCall implements StreamObserver<byte[]> {
    final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    private final StreamObserver<byte[]> requests;

    RawCall(ManagedChannel channel) {
      requests = ClientCalls.asyncBidiStreamingCall(
          channel.newCall(RAW_CONNECT, CallOptions.DEFAULT), this);
    }

    void send(byte[] bytes) {
      requests.onNext(bytes);
    }

    @Override
    public void onNext(byte[] value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable error) {
      closed.complete(Status.fromThrowable(error));
    }

    @Override
    public void onCompleted() {
      closed.complete(Status.OK);
    }
  }

  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
