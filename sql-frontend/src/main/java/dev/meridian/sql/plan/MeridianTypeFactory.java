package dev.meridian.sql.plan;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;

/**
 * Calcite's Java type factory over {@link MeridianTypeSystem}, with UTF-8 as the character set of
 * every string type and literal. Calcite's default, ISO-8859-1, refused any literal outside
 * Latin-1 ({@code SELECT '世界'}: "Failed to encode … in character set ISO-8859-1"), although Java
 * strings, the key codec and the row format all hold any Unicode text. Calcite also reads a
 * default from a system property ({@link CalciteSettings}), but only once per JVM, so this override
 * is what makes it hold whatever touched Calcite first.
 */
public final class MeridianTypeFactory extends JavaTypeFactoryImpl {

  public MeridianTypeFactory() {
    super(MeridianTypeSystem.INSTANCE);
  }

  @Override
  public Charset getDefaultCharset() {
    return StandardCharsets.UTF_8;
  }
}
