package dev.meridian.storage.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TerminatedBytesTest {

  private static String escape(String hex) {
    ByteSink sink = new ByteSink(8);
    TerminatedBytes.write(HexFormat.of().parseHex(hex), sink);
    return HexFormat.of().withUpperCase().formatHex(sink.toByteArray());
  }

  @Test
  void escapesZeroAndTerminates() {
    assertThat(escape("")).isEqualTo("0001");
    assertThat(escape("00")).isEqualTo("00FF0001");
    assertThat(escape("0100FF00")).isEqualTo("0100FFFF00FF0001");
  }

  @Test
  void readStopsAtTheTerminatorAndUnescapes() {
    byte[] bytes = HexFormat.of().parseHex("6100FF620001" + "AA");
    ColumnInput in = new ColumnInput(bytes, 0, 0, KeyColumn.asc(SqlType.VARBINARY));
    assertThat(TerminatedBytes.read(in)).isEqualTo(HexFormat.of().parseHex("610062"));
    assertThat(in.position()).isEqualTo(6);
  }
}
