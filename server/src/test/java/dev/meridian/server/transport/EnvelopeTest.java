package dev.meridian.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

  private static final byte[] PAYLOAD = "payload".getBytes(StandardCharsets.UTF_8);

  @Test
  void messageCarriesItsPayload() throws Exception {
    Envelope.Decoded decoded = decode(Envelope.message(PAYLOAD));
    assertThat(decoded.kind()).isEqualTo(Envelope.MESSAGE);
    assertThat(decoded.body()).isEqualTo(PAYLOAD);
  }

  @Test
  void requestAndResponseCarryTheirIdBigEndian() throws Exception {
    byte[] request = Envelope.request(0x0102030405060708L, PAYLOAD);
    assertThat(request).startsWith(1, 1, 2, 3, 4, 5, 6, 7, 8);
    Envelope.Decoded decoded = decode(request);
    assertThat(decoded.requestId()).isEqualTo(0x0102030405060708L);
    assertThat(decoded.body()).isEqualTo(PAYLOAD);

    Envelope.Decoded response = decode(Envelope.response(-1L, new byte[0]));
    assertThat(response.kind()).isEqualTo(Envelope.RESPONSE);
    assertThat(response.requestId()).isEqualTo(-1L);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void errorTextIsCutToItsBound() throws Exception {
    Envelope.Decoded error = decode(Envelope.error(7, "x".repeat(5000)));
    assertThat(error.kind()).isEqualTo(Envelope.ERROR);
    assertThat(error.requestId()).isEqualTo(7);
    assertThat(Envelope.errorText(error)).hasSize(Envelope.MAX_ERROR_CHARS);
  }

  @Test
  void garbageIsMalformed() {
    assertThatThrownBy(() -> decode(new byte[0])).isInstanceOf(Envelope.MalformedException.class);
    assertThatThrownBy(() -> decode(new byte[] {9, 1, 2}))
        .isInstanceOf(Envelope.MalformedException.class).hasMessageContaining("kind 9");
    assertThatThrownBy(() -> decode(new byte[] {Envelope.RESPONSE, 1, 2}))
        .isInstanceOf(Envelope.MalformedException.class).hasMessageContaining("too short");
  }

  private static Envelope.Decoded decode(byte[] bytes) throws Envelope.MalformedException {
    return Envelope.decode(ByteString.copyFrom(bytes));
  }
}
