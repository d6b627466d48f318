package dev.meridian.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, with one page open, driven through the DevTools protocol (a
 * WebSocket, JSON messages {@code {id, method, params}} answered by {@code {id, result}}): enough to
 * evaluate an expression in the page and to take a screenshot. A fresh profile per instance, and
 * every background service Chromium would otherwise reach out to switched off, since tests run
 * without a network. {@link #close} ends the browser process it started.
 *
 * <p>Chromium is {@code $MERIDIAN_CHROMIUM} or {@code /usr/bin/chromium}; without it the test fails
 * (it is not skipped): {@code apt-get install chromium}, which {@code .ci/run} does when it is missing.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern PAGE_SOCKET =
      Pattern.compile("\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+)\"");
  private static final Pattern STRING_VALUE = Pattern.compile("\"value\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern DATA = Pattern.compile("\"data\"\\s*:\\s*\"([A-Za-z0-9+/=]+)\"");

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  static Path executable() {
    String configured = System.getenv("MERIDIAN_CHROMIUM");
    Path path = Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException("no Chromium at " + path + ": install Debian's package (apt-get install -y"
          + " chromium; .ci/run does) or set MERIDIAN_CHROMIUM to its path");
    }
    return path;
  }

  /** Starts Chromium on {@code url} with a profile in {@code profileDir} (created fresh). */
  static HeadlessChromium open(String url, Path profileDir, int widthPixels, int heightPixels) throws Exception {
    Files.createDirectories(profileDir);
    List<String> command = List.of(executable().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profileDir,
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--remote-allow-origins=*",
        "--window-size=" + widthPixels + "," + heightPixels, url);
    Process process = new ProcessBuilder(command)
        .redirectOutput(profileDir.resolveSibling(profileDir.getFileName() + ".out").toFile())
        .redirectError(profileDir.resolveSibling(profileDir.getFileName() + ".err").toFile())
        .start();
    try {
      int port = debuggingPort(process, profileDir.resolve("DevToolsActivePort"));
      String socketUrl = pageSocket(port);
      HeadlessChromium[] self = new HeadlessChromium[1];
      WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create(socketUrl), new Listener(message -> self[0].answer(message)))
          .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      self[0] = new HeadlessChromium(process, socket);
      return self[0];
    } catch (Exception | Error e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Chromium writes the port it chose (and the browser's path) to this file once it listens. */
  private static int debuggingPort(Process process, Path file) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Chromium exited (" + process.exitValue() + ") before it listened; see "
            + file.getParent() + ".err");
      }
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).strip());
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("Chromium did not write " + file + " within " + START_TIMEOUT);
  }

  private static String pageSocket(int port) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try (HttpClient http = HttpClient.newHttpClient()) {
      while (System.nanoTime() < deadline) {
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = PAGE_SOCKET.matcher(list);
        if (matcher.find()) {
          return matcher.group(1);
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("Chromium opened no page within " + START_TIMEOUT);
  }

  /** Evaluates {@code expression} in the page; it must yield a string, which is returned. */
  String evaluateString(String expression) throws Exception {
    String answer = call("Runtime.evaluate", "{\"expression\":" + jsonString(expression) + ",\"returnByValue\":true}");
    Matcher matcher = STRING_VALUE.matcher(answer);
    if (!matcher.find()) {
      throw new IllegalStateException("the page did not evaluate " + expression + " to a string: " + answer);
    }
    return matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
  }

  /** The page as a PNG, the window's size. */
  byte[] screenshotPng() throws Exception {
    Matcher matcher = DATA.matcher(call("Page.captureScreenshot", "{\"format\":\"png\"}"));
    if (!matcher.find()) {
      throw new IllegalStateException("Chromium returned no screenshot");
    }
    return Base64.getDecoder().decode(matcher.group(1));
  }

  private String call(String method, String params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<String> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true)
        .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    String message = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (message.contains("\"error\"") && !message.contains("\"result\"")) {
      throw new IllegalStateException(method + " failed: " + message);
    }
    return message;
  }

  private static final Pattern ANSWER_ID = Pattern.compile("^\\{\"id\":(\\d+),");

  private void answer(String message) {
    Matcher matcher = ANSWER_ID.matcher(message);
    if (matcher.find()) {
      CompletableFuture<String> waiting = pending.remove(Integer.parseInt(matcher.group(1)));
      if (waiting != null) {
        waiting.complete(message);
      }
    }
    // Events (no id) are not subscribed to; any that arrive are ignored.
  }

  private static String jsonString(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** Joins a message's frames and hands whole messages on. */
  private static final class Listener implements WebSocket.Listener {
    private final java.util.function.Consumer<String> onMessage;
    private final StringBuilder partial = new StringBuilder();

    Listener(java.util.function.Consumer<String> onMessage) {
      this.onMessage = onMessage;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        onMessage.accept(message);
      }
      webSocket.request(1);
      return null;
    }
  }

  @Override
  public void close() throws InterruptedException, IOException {
    socket.abort();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
