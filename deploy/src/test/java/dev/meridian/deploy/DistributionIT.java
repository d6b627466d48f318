package dev.meridian.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distribution as a user gets it: {@code meridian-VERSION.tar.gz} unpacked into a fresh
 * directory and run with nothing but a JDK ({@code JAVA_HOME} is this test's JVM; {@code PATH} has
 * the system's commands but no Maven, and no source tree is reachable). A node started from it
 * serves SQL through the tarball's own driver jar, in a class loader of its own as an application
 * would load it; {@code bin/meridian check} runs from it; {@code test} and {@code build} refuse
 * plainly. The layout is checked too: no test jars, no Maven, every bundled library in
 * {@code THIRD-PARTY.txt} with a license, every flag of {@code start} documented in
 * {@code conf/meridian.conf}.
 */
class DistributionIT {

  /** Unpacking ~250 MB and starting a JVM are the slow parts; a hang fails within these. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration NODE_STOP_TIMEOUT = Duration.ofSeconds(30);

  private static final Pattern SERVING =
      Pattern.compile("serving SQL at (jdbc:meridian://\\S+) admin at (http://\\S+)");

  /** A line of the generated list: {@code (License) Name (group:artifact:version - url)}. */
  private static final Pattern THIRD_PARTY_LINE =
      Pattern.compile("^\\s+(\\(.+\\)) .* \\(([^:\\s]+):([^:\\s]+):(\\S+) - .*\\)$");

  private static Path work;
  private static Path home;
  private static Map<String, String> environment;

  @BeforeAll
  static void unpack() throws Exception {
    Path tarball = Path.of(requiredProperty("meridian.dist.tarball"));
    assertThat(tarball).isRegularFile();
    work = Path.of(requiredProperty("meridian.dist.workDir"));
    deleteTree(work);
    Files.createDirectories(work.resolve("unpacked"));
    Result untar = run(List.of("tar", "-xzf", tarball.toString(), "-C", work.resolve("unpacked").toString()),
        System.getenv(), work);
    assertThat(untar.exit()).as("tar: %s", untar.stderr()).isZero();
    home = work.resolve("unpacked").resolve("meridian-" + requiredProperty("meridian.dist.version"));
    assertThat(home).isDirectory();
    environment = jdkOnlyEnvironment(work.resolve("path"));
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (work != null) {
      deleteTree(work.resolve("unpacked"));
    }
  }

  @Test
  void layoutHasTheDriverAndLicensesButNoTestJarsAndNoMaven() throws Exception {
    assertThat(home.resolve("bin/meridian")).isExecutable();
    assertThat(home.resolve("bin/lib/java.sh")).isRegularFile();
    assertThat(home.resolve("conf/meridian.conf")).isRegularFile();
    assertThat(home.resolve("NOTICE")).isRegularFile();
    assertThat(driverJar()).isRegularFile();
    assertThat(home.resolve("pom.xml")).doesNotExist();

    List<String> everyFile;
    try (Stream<Path> files = Files.walk(home)) {
      everyFile = files.filter(Files::isRegularFile).map(p -> home.relativize(p).toString()).toList();
    }
    assertThat(everyFile).noneMatch(f -> f.endsWith("-tests.jar") || f.endsWith("-test-sources.jar"))
        .noneMatch(f -> Path.of(f).getFileName().toString().matches("(mvnw.*|maven-.*|apache-maven.*|plexus-.*)"))
        .noneMatch(f -> f.contains("/.mvn/") || f.startsWith(".mvn/"));

    Set<String> libJars = new TreeSet<>();
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      lib.map(p -> p.getFileName().toString()).forEach(libJars::add);
    }
    assertThat(libJars).allMatch(name -> name.endsWith(".jar"))
        .contains("meridian-server-" + version() + ".jar", "meridian-jepsen-" + version() + ".jar",
            "meridian-shell-" + version() + ".jar", "meridian-sim-" + version() + ".jar")
        .noneMatch(name -> name.matches("(junit|assertj|archunit|opentest4j|h2)-.*"))
        .as("the driver is at the top, once").noneMatch(name -> name.startsWith("meridian-jdbc"));

    // Every bundled library that is not Meridian's own is listed, each with a license.
    Set<String> listed = new TreeSet<>();
    Map<String, String> versionOf = new HashMap<>();
    for (String line : Files.readAllLines(home.resolve("THIRD-PARTY.txt"))) {
      Matcher matcher = THIRD_PARTY_LINE.matcher(line);
      if (matcher.matches()) {
        assertThat(matcher.group(1)).as(line).doesNotContainIgnoringCase("unknown license");
        listed.add(matcher.group(3) + "-" + matcher.group(4) + ".jar");
        String other = versionOf.put(matcher.group(2) + ":" + matcher.group(3), matcher.group(4));
        assertThat(other).as("one class path holds one version of %s", line).isNull();
      }
    }
    Set<String> thirdPartyJars = libJars.stream().filter(name -> !name.startsWith("meridian-"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(listed).isEqualTo(thirdPartyJars);
    assertThat(home.resolve("licenses/calcite-core-jar/LICENSE")).isRegularFile();
  }

  @Test
  void confDocumentsEveryFlagOfStart() throws Exception {
    // The flags bin/meridian's help names for start (it owns --max-heap), and those the node's own
    // usage line names (printed when it refuses an option).
    Result help = meridian(List.of("help"), Map.of());
    assertThat(help.exit()).isZero();
    String usage = help.stdout();
    int start = usage.indexOf("\n  start ");
    int next = usage.indexOf("\n  demo ", start);
    assertThat(start).isPositive();
    assertThat(next).isGreaterThan(start);
    Result refused = meridian(List.of("start", "--no-such-option", "x"), Map.of());
    assertThat(refused.exit()).isNotZero();
    String nodeUsage = refused.stderr().lines().filter(l -> l.startsWith("usage: meridian start")).findFirst()
        .orElseThrow(() -> new AssertionError("no usage line from the node: " + refused.stderr()));
    Set<String> flags = new TreeSet<>();
    Matcher flag = Pattern.compile("--([a-z][a-z0-9-]*)").matcher(usage.substring(start, next) + nodeUsage);
    while (flag.find()) {
      flags.add(flag.group(1));
    }
    flags.remove("no-such-option");
    assertThat(flags).contains("data-dir", "sql-port", "max-heap", "time-source");
    String conf = Files.readString(home.resolve("conf/meridian.conf"));
    for (String key : flags) {
      assertThat(conf).as("conf/meridian.conf documents --%s", key).containsPattern("(?m)^# " + key + "( = \\S.*)?$");
    }
  }

  /**
   * Starts a node from the tarball with conf/meridian.conf's every example line uncommented (each
   * must be a real flag, or the node refuses to start) plus {@code max-connections = 2}; the
   * command line's ports, address, data directory and heap win over the file's. All but {@code
   * join} and {@code advertise-host}: their examples name other machines (a node joining them waits
   * for their init; one advertising a made-up name prints a URL no client can reach).
   */
  @Test
  void startedFromTheTarballItServesSqlThroughTheBundledDriver() throws Exception {
    Path conf = home.resolve("conf/meridian.conf");
    String shipped = Files.readString(conf);
    Files.writeString(conf, shipped.replaceAll("(?m)^# (?!(?:join|advertise-host|plant-bug)( |$))([a-z][a-z0-9-]*)( = |$)", "$2$3")
        + "max-connections = 2\n");
    Path dataDir = work.resolve("node");
    List<String> command = List.of(home.resolve("bin/meridian").toString(), "start", "--data-dir",
        dataDir.toString(), "--sql-port", "0", "--admin-port", "0", "--port", "0", "--listen", "127.0.0.1",
        "--max-heap", "512m");
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
        .redirectError(ProcessBuilder.Redirect.to(work.resolve("node.stderr").toFile()));
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process node = builder.start();
    try {
      BufferedReader stdout = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
      String line = stdout.readLine();
      assertThat(line).as("first line; stderr: %s", Files.readString(work.resolve("node.stderr"))).isNotNull();
      Matcher serving = SERVING.matcher(line);
      assertThat(serving.find()).as(line).isTrue();
      String jdbcUrl = serving.group(1);
      String adminUrl = serving.group(2);
      assertThat(jdbcUrl).as("the command line's --sql-port 0 wins over the file's 7070")
          .doesNotEndWith(":7070");
      assertThat(Files.readString(work.resolve("node.stderr"))).contains("options from " + conf);
      // bin/meridian execs the JVM: the process is the node itself, with the command line's heap.
      assertThat(node.info().arguments().orElseThrow()).contains("-Xmx512m", "dev.meridian.server.Main")
          .doesNotContain("-Xmx2g");

      HttpResponse<String> health = get(adminUrl + "health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"ok\"");

      Driver driver = bundledDriver();
      try (Connection connection = connect(driver, jdbcUrl);
          Statement statement = connection.createStatement()) {
        try (ResultSet one = statement.executeQuery("SELECT 1")) {
          assertThat(one.next()).isTrue();
          assertThat(one.getInt(1)).isEqualTo(1);
        }
        statement.execute("CREATE TABLE dist_items (id INT PRIMARY KEY, name VARCHAR(20))");
        assertThat(statement.executeUpdate("INSERT INTO dist_items VALUES (1, 'one'), (2, 'two')")).isEqualTo(2);
        List<String> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery("SELECT id, name FROM dist_items ORDER BY id")) {
          while (result.next()) {
            rows.add(result.getInt(1) + ":" + result.getString(2));
          }
        }
        assertThat(rows).containsExactly("1:one", "2:two");

        // The file's max-connections = 2 (after its 256) took effect: a third connection is refused.
        try (Connection second = connect(driver, jdbcUrl)) {
          assertThat(second.isClosed()).isFalse();
          assertThatThrownBy(() -> connect(driver, jdbcUrl).close())
              .isInstanceOf(SQLException.class)
              .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"));
        }
      }

      node.destroy();
      assertThat(node.waitFor(NODE_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
      assertThat(node.exitValue()).as("128 + SIGTERM").isEqualTo(143);
      assertThat(home.resolve("target")).as("nothing was built").doesNotExist();
    } finally {
      node.destroyForcibly();
      node.waitFor(10, TimeUnit.SECONDS);
      Files.writeString(conf, shipped);
    }
  }

  @Test
  void checkRunsFromTheTarball() throws Exception {
    Path valid = work.resolve("valid.edn");
    Files.writeString(valid, """
        {:index 0, :type :invoke, :process 0, :f :txn, :value [[:append :x 1] [:append :y 1]]}
        {:index 1, :type :ok, :process 0, :f :txn, :value [[:append :x 1] [:append :y 1]]}
        {:index 2, :type :invoke, :process 1, :f :txn, :value [[:r :x nil] [:append :x 2]]}
        {:index 3, :type :ok, :process 1, :f :txn, :value [[:r :x [1]] [:append :x 2]]}
        {:index 4, :type :invoke, :process 0, :f :txn, :value [[:r :x nil] [:r :y nil]]}
        {:index 5, :type :ok, :process 0, :f :txn, :value [[:r :x [1 2]] [:r :y [1]]]}
        """);
    Result ok = meridian(List.of("check", "--workload", "list-append", valid.toString()), Map.of());
    assertThat(ok.exit()).as("stderr: %s", ok.stderr()).isZero();
    assertThat(ok.stdout()).contains("\"valid\":true");

    // Two readers disagree on the order of x's appends: no serial order explains both.
    Path invalid = work.resolve("invalid.edn");
    Files.writeString(invalid, """
        {:index 0, :type :invoke, :process 0, :f :txn, :value [[:append :x 1]]}
        {:index 1, :type :ok, :process 0, :f :txn, :value [[:append :x 1]]}
        {:index 2, :type :invoke, :process 1, :f :txn, :value [[:append :x 2]]}
        {:index 3, :type :ok, :process 1, :f :txn, :value [[:append :x 2]]}
        {:index 4, :type :invoke, :process 2, :f :txn, :value [[:r :x nil]]}
        {:index 5, :type :ok, :process 2, :f :txn, :value [[:r :x [1 2]]]}
        {:index 6, :type :invoke, :process 3, :f :txn, :value [[:r :x nil]]}
        {:index 7, :type :ok, :process 3, :f :txn, :value [[:r :x [2 1]]]}
        """);
    Result bad = meridian(List.of("check", "--workload", "list-append", invalid.toString()), Map.of());
    assertThat(bad.exit()).as("stdout: %s stderr: %s", bad.stdout(), bad.stderr()).isEqualTo(1);
    assertThat(bad.stdout()).contains("\"valid\":false");
  }

  @Test
  void testAndBuildSayTheyNeedASourceCheckout() throws Exception {
    for (String command : List.of("test", "build")) {
      Result result = meridian(List.of(command), Map.of());
      assertThat(result.exit()).isEqualTo(64);
      assertThat(result.stderr()).contains("'" + command + "' needs a source checkout");
    }
  }

  private static Result meridian(List<String> args, Map<String, String> extraEnvironment)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/meridian").toString());
    command.addAll(args);
    Map<String, String> env = new HashMap<>(environment);
    env.putAll(extraEnvironment);
    return run(command, env, work);
  }

  private record Result(int exit, String stdout, String stderr) {}

  private static Result run(List<String> command, Map<String, String> env, Path directory)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(directory, "cmd", ".out");
    Path err = Files.createTempFile(directory, "cmd", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException(command + " did not finish within " + COMMAND_TIMEOUT);
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /**
   * JAVA_HOME is this test's JDK; PATH is a directory of links to every system command except
   * Maven's; nothing else of Maven's or Meridian's is passed on.
   */
  private static Map<String, String> jdkOnlyEnvironment(Path pathDir) throws IOException {
    Files.createDirectories(pathDir);
    for (String systemDir : List.of("/usr/local/bin", "/usr/bin", "/bin")) {
      Path dir = Path.of(systemDir);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> commands = Files.list(dir)) {
        for (Path command : commands.toList()) {
          String name = command.getFileName().toString();
          Path link = pathDir.resolve(name);
          if (!name.startsWith("mvn") && Files.isExecutable(command) && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, command);
          }
        }
      }
    }
    Map<String, String> env = new HashMap<>();
    env.put("PATH", pathDir.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("HOME", work.toString());
    env.put("LANG", "C.UTF-8");
    return env;
  }

  private static Driver bundledDriver() throws Exception {
    URLClassLoader loader = new URLClassLoader("meridian-jdbc", new URL[] {driverJar().toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
    return (Driver) Class.forName("dev.meridian.jdbc.Driver", true, loader).getDeclaredConstructor().newInstance();
  }

  private static Connection connect(Driver driver, String url) throws SQLException {
    Connection connection = driver.connect(url, new Properties());
    if (connection == null) {
      throw new IllegalStateException("the driver did not accept " + url);
    }
    return connection;
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static Path driverJar() {
    return home.resolve("meridian-jdbc-" + version() + ".jar");
  }

  private static String version() {
    return requiredProperty("meridian.dist.version");
  }

  private static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank() || value.startsWith("${")) {
      throw new IllegalStateException("system property " + name + " is not set: run through Maven (failsafe)");
    }
    return value;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(path);
      }
    }
  }
}
