package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as an application sees it: a child JVM whose class path is only that jar and a
 * tiny client compiled here, talking to a real Avatica server in this JVM. Run by failsafe after
 * {@code package}, so it checks the jar the build ships.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShadedJarIT {

  private static final String CLIENT = """
      import java.sql.*;
      import java.util.*;

      public class ShadedClient {
        public static void main(String[] args) throws Exception {
          String live = args[0], dead1 = args[1], dead2 = args[2];
          try { Class.forName("org.apache.calcite.avatica.remote.Driver"); System.out.println("LEAK avatica"); }
          catch (ClassNotFoundException expected) { }
          List<String> drivers = new ArrayList<>();
          for (Driver d : Collections.list(DriverManager.getDrivers())) drivers.add(d.getClass().getName());
          System.out.println("DRIVERS " + drivers);
          try (Connection c = DriverManager.getConnection("jdbc:meridian://" + live + "?readStaleness=5s", "sa", "");
               Statement s = c.createStatement();
               ResultSet rs = s.executeQuery("SELECT 40 + 2")) {
            rs.next();
            System.out.println("QUERY " + rs.getInt(1));
          }
          try (Connection c = DriverManager.getConnection("jdbc:meridian://" + dead1 + "," + live, "sa", "");
               Statement s = c.createStatement();
               ResultSet rs = s.executeQuery("SELECT 7")) {
            rs.next();
            System.out.println("FAILOVER " + rs.getInt(1));
          }
          try {
            DriverManager.getConnection("jdbc:meridian://" + dead1 + "," + dead2).close();
            System.out.println("ALLDEAD connected?!");
          } catch (SQLException e) {
            System.out.println("ALLDEAD " + e.getSQLState() + " " + e.getMessage());
          }
        }
      }
      """;

  private static Path shadedJar() {
    Path jar = Path.of(System.getProperty("meridian.shadedJar", "target/meridian-jdbc.jar"));
    assertThat(jar).as("the shaded jar built by the package phase").isRegularFile();
    return jar;
  }

  @Test
  void everyBundledClassIsRelocatedAndOnlyOurDriverIsRegistered() throws IOException {
    try (JarFile jar = new JarFile(shadedJar().toFile())) {
      List<String> strays = new ArrayList<>();
      for (ZipEntry e : Collections.list(jar.entries())) {
        if (e.getName().endsWith(".class") && !e.getName().startsWith("dev/meridian/jdbc/")) {
          strays.add(e.getName());
        }
      }
      assertThat(strays).as("classes outside dev/meridian/jdbc/").isEmpty();
      assertThat(jar.getEntry("dev/meridian/jdbc/shaded/org/apache/calcite/avatica/remote/Driver.class")).isNotNull();
      assertThat(jar.getEntry("dev/meridian/jdbc/shaded/com/google/protobuf/Message.class")).isNotNull();
      assertThat(jar.getEntry("dev/meridian/jdbc/shaded/org/apache/hc/client5/http/classic/HttpClient.class")).isNotNull();
      assertThat(jar.getEntry("dev/meridian/jdbc/shaded/com/fasterxml/jackson/databind/ObjectMapper.class")).isNotNull();
      assertThat(Collections.list(jar.entries()).stream().map(ZipEntry::getName)
          .filter(n -> n.matches("META-INF/[^/]+\\\\.(SF|DSA|RSA|EC)"))).as("signature files").isEmpty();
      String services = new String(jar.getInputStream(jar.getEntry("META-INF/services/java.sql.Driver"))
          .readAllBytes(), StandardCharsets.UTF_8);
      assertThat(services.strip()).isEqualTo("dev.meridian.jdbc.Driver");
      assertThat(jar.getEntry("META-INF/services/dev.meridian.jdbc.shaded.com.fasterxml.jackson.core.JsonFactory"))
          .as("services of bundled libraries, merged and relocated").isNotNull();
    }
  }

  @Test
  void theJarAloneConnectsQueriesAndFailsOver(@TempDir Path dir) throws Exception {
    Path source = dir.resolve("ShadedClient.java");
    Files.writeString(source, CLIENT);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, "-d", dir.toString(), source.toString())).isZero();

    try (TestAvaticaServer server = TestAvaticaServer.start()) {
      String dead1 = "127.0.0.1:" + TestAvaticaServer.closedPort();
      String dead2 = "127.0.0.1:" + TestAvaticaServer.closedPort();
      Path out = dir.resolve("out.txt");
      Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
      Process child = new ProcessBuilder(javaBin.toString(), "-cp",
              shadedJar().toAbsolutePath() + java.io.File.pathSeparator + dir,
              "ShadedClient", server.hostAndPort(), dead1, dead2)
          .redirectErrorStream(true)
          .redirectOutput(out.toFile())
          .start();
      boolean exited = child.waitFor(90, TimeUnit.SECONDS);
      if (!exited) {
        child.destroyForcibly().waitFor();
      }
      String output = Files.readString(out);
      assertThat(exited).as("child JVM exited; output:%n%s", output).isTrue();
      assertThat(child.exitValue()).as("child exit code; output:%n%s", output).isZero();
      assertThat(output)
          .doesNotContain("LEAK")
          .contains("DRIVERS [dev.meridian.jdbc.Driver]")
          .contains("QUERY 42")
          .contains("FAILOVER 7")
          .contains("ALLDEAD 08001")
          .contains(dead1, dead2);
      assertThat(server.sessions().values())
          .anySatisfy(info -> assertThat(info).containsEntry("readStaleness", "5s"));
    }
  }
}
