package dev.meridian.runtime.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

  private static final NodeId A = new NodeId(1);
  private static final NodeId B = new NodeId(0x01020304);
  private static final byte[] PAYLOAD = "payload".getBytes(StandardCharsets.UTF_8);

  @Test
  void theHeaderIsLaidOutAsDocumented() throws Exception {
    Envelope request = Envelope.request(A, B, 0x0A0B0C0D, 0x1112131415161718L, 0x2122232425262728L, PAYLOAD);
    byte[] bytes = request.encode();
    assertThat(bytes).hasSize(Envelope.HEADER_BYTES + PAYLOAD.length);
    assertThat(Arrays.copyOf(bytes, Envelope.HEADER_BYTES)).containsExactly(
        1, 0, 0, 0, 1, 1, 2, 3, 4, 0x0A, 0x0B, 0x0C, 0x0D,
        0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28);
    Envelope decoded = Envelope.decode(bytes);
    assertThat(decoded.from()).isEqualTo(A);
    assertThat(decoded.to()).isEqualTo(B);
    assertThat(decoded.kind()).isEqualTo(Envelope.Kind.REQUEST);
    assertThat(decoded.type()).isEqualTo(0x0A0B0C0D);
    assertThat(decoded.requestId()).isEqualTo(0x1112131415161718L);
    assertThat(decoded.budgetNanos()).isEqualTo(0x2122232425262728L);
    assertThat(decoded.payload()).isEqualTo(PAYLOAD);
  }

  @Test
  void anAnswerGoesBackWithTheRequestsIdAndType() throws Exception {
    Envelope request = Envelope.request(A, B, 5, 42, 1000, PAYLOAD);
    Envelope answer = Envelope.decode(Envelope.answer(request, Envelope.Kind.RESPONSE, new byte[0]).encode());
    assertThat(answer.from()).isEqualTo(B);
    assertThat(answer.to()).isEqualTo(A);
    assertThat(answer.type()).isEqualTo(5);
    assertThat(answer.requestId()).isEqualTo(42);
    assertThat(answer.budgetNanos()).isZero();
    assertThat(answer.payload()).isEmpty();

    Envelope error = Envelope.error(request, Envelope.Kind.FAILED, "x".repeat(5000));
    assertThat(error.errorText()).hasSize(Envelope.MAX_ERROR_CHARS);
    assertThatThrownBy(() -> Envelope.answer(answer, Envelope.Kind.RESPONSE, PAYLOAD))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMessageHasNoIdAndNoBudget() throws Exception {
    Envelope message = Envelope.decode(Envelope.message(A, B, 3, PAYLOAD).encode());
    assertThat(message.kind()).isEqualTo(Envelope.Kind.MESSAGE);
    assertThat(message.payload()).isEqualTo(PAYLOAD);
    assertThatThrownBy(() -> new Envelope(A, B, Envelope.Kind.MESSAGE, 3, 1, 0, PAYLOAD))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void garbageIsMalformed() {
    assertThatThrownBy(() -> Envelope.decode(new byte[3]))
        .isInstanceOf(Envelope.MalformedException.class).hasMessageContaining("shorter");
    byte[] badKind = Envelope.message(A, B, 1, PAYLOAD).encode();
    badKind[0] = 9;
    assertThatThrownBy(() -> Envelope.decode(badKind))
        .isInstanceOf(Envelope.MalformedException.class).hasMessageContaining("kind 9");
    byte[] badNode = Envelope.message(A, B, 1, PAYLOAD).encode();
    badNode[4] = 0;
    assertThatThrownBy(() -> Envelope.decode(badNode))
        .isInstanceOf(Envelope.MalformedException.class).hasMessageContaining("node id");
    byte[] messageWithBudget = Envelope.message(A, B, 1, PAYLOAD).encode();
    messageWithBudget[28] = 1;
    assertThatThrownBy(() -> Envelope.decode(messageWithBudget)).isInstanceOf(Envelope.MalformedException.class);
  }
}
