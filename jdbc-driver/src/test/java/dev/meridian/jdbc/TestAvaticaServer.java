package dev.meridian.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.HttpServer;
import org.apache.calcite.avatica.server.ServerCustomizer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A stand-in for a Meridian node: Avatica's HTTP server (protobuf) with {@link JdbcMeta} over an
 * in-memory H2 database, on 127.0.0.1 and a free port. It records the properties each session
 * was opened with, so tests can see what the driver passed through.
 */
final class TestAvaticaServer implements AutoCloseable {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final HttpServer server;
  private final RecordingMeta meta;

  private TestAvaticaServer(HttpServer server, RecordingMeta meta) {
    this.server = server;
    this.meta = meta;
  }

  static TestAvaticaServer start() throws SQLException {
    String h2 = "jdbc:h2:mem:meridian" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
    RecordingMeta meta = new RecordingMeta(h2);
    ServerCustomizer<Server> loopbackOnly = jetty -> {
      for (Connector c : jetty.getConnectors()) {
        ((ServerConnector) c).setHost("127.0.0.1");
      }
    };
    HttpServer server = new HttpServer.Builder<Server>()
        .withHandler(new LocalService(meta), Serialization.PROTOBUF)
        .withPort(0)
        .withServerCustomizers(List.of(loopbackOnly), Server.class)
        .build();
    server.start();
    return new TestAvaticaServer(server, meta);
  }

  int port() {
    return server.getPort();
  }

  String hostAndPort() {
    return "127.0.0.1:" + port();
  }

  /** Properties of every session opened so far, by Avatica connection id. */
  Map<String, Map<String, String>> sessions() {
    return Map.copyOf(meta.sessions);
  }

  private boolean stopped;

  @Override
  public synchronized void close() {
    if (!stopped) {
      stopped = true;
      server.stop();
    }
  }

  /** A port on 127.0.0.1 that nothing listens on (just released by the OS). */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static final class RecordingMeta extends JdbcMeta {
    final Map<String, Map<String, String>> sessions = new ConcurrentHashMap<>();

    RecordingMeta(String url) throws SQLException {
      super(url, credentials());
    }

    private static Properties credentials() {
      Properties p = new Properties();
      p.setProperty("user", "sa");
      p.setProperty("password", "");
      return p;
    }

    @Override
    public void openConnection(ConnectionHandle ch, Map<String, String> info) {
      Map<String, String> given = info == null ? Map.of() : Map.copyOf(info);
      sessions.put(ch.id, given);
      // H2 has no notion of staleness; a Meridian server would take it as session state.
      Map<String, String> forH2 = new java.util.HashMap<>(given);
      forH2.remove("readStaleness");
      super.openConnection(ch, forH2);
    }
  }
}
