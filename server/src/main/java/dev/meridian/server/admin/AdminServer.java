package dev.meridian.server.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meridian.runtime.real.NamedThreadFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's admin HTTP endpoint (DESIGN.md §9) on the JDK's built-in server: {@code GET /health}
 * answers 200 with a JSON object (node id, uptime, TrueTime epsilon) while the node serves (and, for
 * nodes built {@link #withHealth}, 503 with the reason while it cannot, e.g. while its clock is fenced), and
 * {@code GET /metrics} the {@link NodeMetrics} in Prometheus text format, and, once {@link
 * #serveConsole} is called, the console page at {@code /} and its JSON at {@code /api/cluster}. A
 * few threads: it is for operators, scrapers and tests, not for load. Other modes of the node add
 * {@link #route routes}.
 */
public final class AdminServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AdminServer.class.getName());

  /** Operators, scrapers and the odd blocking admin request (a proposal waits for its commit). */
  private static final int THREADS = 4;

  private final HttpServer server;
  private final ExecutorService threads;
  private volatile ClusterView cluster;

  public AdminServer(String host, int port, Supplier<String> healthJson, Supplier<String> metricsText)
      throws IOException {
    this(() -> Response.json(200, healthJson.get()), host, port, metricsText);
  }

  /**
   * An admin endpoint whose {@code /health} status is the node's verdict: 200 while it serves, 503
   * (with the reason in the body) while it cannot, for example while its clock is fenced.
   */
  public static AdminServer withHealth(String host, int port, Supplier<Response> health, Supplier<String> metricsText)
      throws IOException {
    return new AdminServer(health, host, port, metricsText);
  }

  private AdminServer(Supplier<Response> health, String host, int port, Supplier<String> metricsText)
      throws IOException {
    this.server = HttpServer.create(new InetSocketAddress(host, port), 16);
    this.threads = Executors.newFixedThreadPool(THREADS, new NamedThreadFactory("admin-http"));
    server.setExecutor(threads);
    server.createContext("/health", exchange -> answer(exchange, health));
    server.createContext("/metrics", exchange ->
        answer(exchange, "text/plain; version=0.0.4; charset=utf-8", metricsText));
    server.createContext("/", exchange -> {
      boolean console = cluster != null;
      if (!exchange.getRequestURI().getPath().equals("/")) {
        send(exchange, 404, "text/plain; charset=utf-8",
            "not found; try /health or /metrics" + (console ? ", / (the console) or /api/cluster" : "") + "\n");
      } else if (console) {
        send(exchange, 200, "text/html; charset=utf-8", ConsolePage.HTML);
      } else {
        send(exchange, 200, "text/plain; charset=utf-8", "Meridian node: /health, /metrics\n");
      }
    });
    server.start();
  }

  /** What a {@link Route} answers. */
  public record Response(int status, String contentType, String body) {
    public static Response json(int status, String body) {
      return new Response(status, "application/json", body);
    }

    public static Response text(int status, String body) {
      return new Response(status, "text/plain; charset=utf-8", body);
    }
  }

  /** An endpoint beyond health and metrics; it may block its admin thread for a bounded time. */
  @FunctionalInterface
  public interface Route {
    Response handle(String method, URI uri, byte[] body) throws Exception;
  }

  /** Serves {@code path} (and everything below it) with {@code route}. */
  public void route(String path, Route route) {
    server.createContext(path, exchange -> {
      Response response;
      try {
        byte[] body = exchange.getRequestBody().readAllBytes();
        response = route.handle(exchange.getRequestMethod(), exchange.getRequestURI(), body);
      } catch (IllegalArgumentException e) {
        response = Response.text(400, "bad request: " + e.getMessage() + "\n");
      } catch (Exception e) {
        LOG.log(Level.WARNING, "admin request " + exchange.getRequestURI() + " failed", e);
        response = Response.text(500, "error: " + e + "\n");
      }
      send(exchange, response.status(), response.contentType(), response.body());
    });
  }

  /**
   * Serves the console at {@code /} and the facts it draws: {@code GET /api/cluster}, the cluster as
   * {@code view} sees it ({@link ClusterView.Snapshot}), and {@code GET /api/node}, this node's own
   * entry ({@code self}), which is what a cluster view fetches from each peer.
   */
  public void serveConsole(ClusterView view, Supplier<ClusterView.Node> self) {
    route("/api/cluster", (method, uri, body) -> getJson(method, () -> view.snapshot()));
    route("/api/node", (method, uri, body) -> getJson(method, self::get));
    this.cluster = view;
  }

  private static Response getJson(String method, Supplier<Object> value) throws java.io.IOException {
    if (!method.equals("GET")) {
      return Response.text(405, "only GET\n");
    }
    return Response.json(200, ClusterJson.write(value.get()));
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, String contentType, Supplier<String> body) throws IOException {
    answer(exchange, () -> new Response(200, contentType, body.get()));
  }

  private static void answer(HttpExchange exchange, Supplier<Response> body) throws IOException {
    if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
      send(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
      return;
    }
    Response response;
    try {
      response = body.get();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "admin request " + exchange.getRequestURI() + " failed", e);
      send(exchange, 500, "text/plain; charset=utf-8", "error: " + e + "\n");
      return;
    }
    send(exchange, response.status(), response.contentType(), response.body());
  }

  private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
