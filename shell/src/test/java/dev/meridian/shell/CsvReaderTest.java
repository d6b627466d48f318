package dev.meridian.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4180 as {@link CsvReader} reads it, and where it says the input breaks it. */
class CsvReaderTest {

  private static List<CsvReader.Record> read(String text, char delimiter) throws IOException {
    CsvReader reader = new CsvReader(new StringReader(text), delimiter);
    List<CsvReader.Record> records = new ArrayList<>();
    CsvReader.Record record;
    while ((record = reader.next()) != null) {
      records.add(record);
    }
    return records;
  }

  private static List<List<String>> fields(String text) throws IOException {
    return read(text, ',').stream().map(CsvReader.Record::fields).toList();
  }

  @Test
  void recordsEndWithCrlfLfOrCrAndTheLastMayHaveNone() throws IOException {
    assertThat(fields("a,b\r\nc,d\ne,f\rg,h")).containsExactly(
        List.of("a", "b"), List.of("c", "d"), List.of("e", "f"), List.of("g", "h"));
  }

  @Test
  void quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws IOException {
    List<CsvReader.Record> records = read("1,\"a,b\",\"say \"\"hi\"\"\"\r\n2,\"two\r\nlines\",x\n3,\"\",\n", ',');
    assertThat(records.get(0).fields()).containsExactly("1", "a,b", "say \"hi\"");
    assertThat(records.get(1).fields()).containsExactly("2", "two\r\nlines", "x");
    assertThat(records.get(2).fields()).containsExactly("3", "", "");
    assertThat(records.get(2).quoted()).containsExactly(false, true, false);
    assertThat(records.stream().map(CsvReader.Record::line)).containsExactly(1L, 2L, 4L);
    assertThat(records.get(1).fieldLines()).containsExactly(2L, 2L, 3L);
  }

  @Test
  void blankLinesAreSkippedAndSpacesKept() throws IOException {
    List<CsvReader.Record> records = read("\n a , b\n\r\n\nc;d\n", ',');
    assertThat(records).hasSize(2);
    assertThat(records.get(0).fields()).containsExactly(" a ", " b");
    assertThat(records.get(1).line()).isEqualTo(5);
  }

  @Test
  void anotherDelimiter() throws IOException {
    assertThat(read("a\tb,c\t\"d\te\"\n", '\t').get(0).fields()).containsExactly("a", "b,c", "d\te");
  }

  @Test
  void anUnclosedQuoteNamesWhereItOpened() {
    assertThatThrownBy(() -> fields("1,2\n3,\"open\nstill open\n"))
        .isInstanceOfSatisfying(CsvFormatException.class, e -> {
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.column()).isEqualTo(2);
        })
        .hasMessage("line 2, column 2: the quoted field opened here is not closed before the end of the file");
  }

  @Test
  void textAfterAClosingQuoteIsAnError() {
    assertThatThrownBy(() -> fields("a,b\nc,\"d\"e,f\n"))
        .isInstanceOfSatisfying(CsvFormatException.class, e -> {
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.column()).isEqualTo(2);
        })
        .hasMessageContaining("unexpected character 'e' after the closing quote");
  }

  @Test
  void aQuoteInsideAnUnquotedFieldIsAnError() {
    assertThatThrownBy(() -> fields("a,b\nc,d,5\"6\n"))
        .isInstanceOfSatisfying(CsvFormatException.class, e -> {
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.column()).isEqualTo(3);
        })
        .hasMessageContaining("a quote inside an unquoted field");
  }
}
