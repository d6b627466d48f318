package dev.meridian.sql.row;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.storage.Key;
import dev.meridian.storage.codec.Bytes;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyDescriptionsTest {

  @Test
  void valuesAreSqlLiterals() {
    assertThat(KeyDescriptions.literal("it's")).isEqualTo("'it''s'");
    assertThat(KeyDescriptions.literal(42L)).isEqualTo("42");
    assertThat(KeyDescriptions.literal(new BigDecimal("1.50"))).isEqualTo("1.50");
    assertThat(KeyDescriptions.literal(LocalDate.of(2024, 2, 29))).isEqualTo("DATE '2024-02-29'");
    assertThat(KeyDescriptions.literal(LocalDateTime.of(2024, 2, 29, 13, 5, 7)))
        .isEqualTo("TIMESTAMP '2024-02-29 13:05:07'");
    assertThat(KeyDescriptions.literal(Bytes.of((byte) 0xca, (byte) 0xfe))).isEqualTo("X'cafe'");
    assertThat(KeyDescriptions.literal(null)).isEqualTo("NULL");
  }

  @Test
  void keysTheCatalogCannotExplainAreShownAsBytes() {
    Key unknownTable = Key.wrap(KeySpace.indexPrefix(99, 1).toByteArray());
    assertThat(KeyDescriptions.describe(Optional.empty(), unknownTable)).startsWith("key ");
    assertThat(KeyDescriptions.describe(Optional.of(new Catalog(1, Map.of(), Map.of())), unknownTable))
        .contains("a table that no longer exists (id 99)");
    assertThat(KeyDescriptions.describe(Optional.empty(), KeySpace.catalogVersion())).contains("the catalog");
  }
}
