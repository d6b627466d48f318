package dev.meridian.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/'s container image, compose file and Kubernetes manifests start nodes the way {@code
 * meridian start} accepts. No Docker engine or Kubernetes runs here, so this is what can be checked
 * without one: the files parse (YAML, the Dockerfile's JSON forms), every {@code start} invocation
 * in them goes through the node's real flag parser ({@link NodeServer.Options#parse}) with its
 * values (shell variables replaced by samples), every flag is documented in {@code conf/meridian.conf},
 * and the pieces agree with each other (join lists name every node at its transport port, probes
 * hit {@code /health} on the admin port, the data directory is the volume, the user is not root).

 */
class DeployManifestsTest {

  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  /** Flags bin/meridian itself takes before the node's parser sees the rest. */
  static final Set<String> LAUNCHER_FLAGS = Set.of("--max-heap");

  /** Samples for the shell variables the Kubernetes start script passes. */
  static final Map<String, String> SHELL_SAMPLES = Map.of("$NODE_ID", "2", "$REGION", "eu-west", "$ZONE", "",
      "$HOSTNAME.meridian-peers", "meridian-1.meridian-peers");

  /** One {@code meridian start} (or {@code init}) invocation found in a file. */
  record Invocation(String where, List<String> args) {

    /** The value of {@code flag}, or null. */
    String value(String flag) {
      int i = args.indexOf(flag);
      return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The flags

  @Test
  void everyStartInvocationParsesWithTheNodesOwnParser() throws Exception {
    List<Invocation> starts = new ArrayList<>();
    starts.add(dockerfileCmd());
    starts.addAll(composeStarts());
    starts.add(kubernetesStart());
    assertThat(starts).hasSize(5);
    Set<String> documented = documentedFlags();
    for (Invocation start : starts) {
      List<String> args = new ArrayList<>();
      for (int i = 0; i < start.args().size(); i++) {
        String arg = start.args().get(i);
        if (!arg.startsWith("--")) {
          if (!SHELL_SAMPLES.containsKey(arg)) {
            assertThat(arg).as(start.where() + ": a shell variable without a sample").doesNotContain("$");
          }
          args.add(SHELL_SAMPLES.getOrDefault(arg, arg));
          continue;
        }
        assertThat(documented).as(start.where() + ": " + arg + " is documented in conf/meridian.conf").contains(arg);
        if (LAUNCHER_FLAGS.contains(arg)) {
          i++; // and its value
          continue;
        }
        args.add(arg);
      }
      try {
        NodeServer.Options.parse(args.toArray(String[]::new));
      } catch (RuntimeException e) {
        fail(start.where() + ": meridian start refuses " + args + ": " + e.getMessage());
      }
    }
  }

  /** The manifests run init as {@code init … || [ $? -eq 3 ]}: 3 must stay "already initialized". */
  @Test
  void initsAlreadyInitializedExitIsTheOneTheManifestsTolerate() {
    assertThat(dev.meridian.server.cluster.InitCommand.ALREADY_INITIALIZED).isEqualTo(3);
  }

  @Test
  void theLauncherHandlesItsOwnFlags() throws IOException {
    String launcher = Files.readString(ROOT.resolve("bin/meridian"));
    for (String flag : LAUNCHER_FLAGS) {
      assertThat(launcher).contains("        " + flag + ") ");
    }
  }

  /**
   * conf/meridian.conf documents only flags the parser takes, each with a value it accepts: all of
   * them together but plant-bug, which a cluster node (port) refuses, and which is parsed with the
   * data directory and fault-injection switch alone.
   */
  @Test
  void everyDocumentedFlagParsesWithItsDocumentedValue() throws IOException {
    List<String> args = new ArrayList<>();
    List<String> singleNodeOnly = new ArrayList<>(List.of("--data-dir", "/tmp/d", "--allow-fault-injection"));
    for (Map.Entry<String, String> entry : confEntries().entrySet()) {
      if (!LAUNCHER_FLAGS.contains(entry.getKey())) {
        List<String> into = entry.getKey().equals("--plant-bug") ? singleNodeOnly : args;
        into.add(entry.getKey());
        if (entry.getValue() != null) {
          into.add(entry.getValue());
        }
      }
    }
    assertThat(args).contains("--data-dir", "--admin-port", "--region", "--port");
    assertThat(singleNodeOnly).contains("--plant-bug");
    NodeServer.Options.parse(args.toArray(String[]::new));
    NodeServer.Options.parse(singleNodeOnly.toArray(String[]::new));
  }

  // ---------------------------------------------------------------------------------------------
  // The image

  @Test
  void theImageIsMultiStageNonRootWithADataVolumeAndAHealthCheck() throws IOException {
    List<String> lines = dockerfileLines();
    assertThat(lines.stream().filter(l -> l.startsWith("FROM ")).count()).as("stages").isGreaterThanOrEqualTo(2);
    String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow().substring(5).strip();
    assertThat(user.split(":")[0]).isNotIn("root", "0");
    Invocation cmd = dockerfileCmd();
    String volume = lines.stream().filter(l -> l.startsWith("VOLUME ")).findFirst().orElseThrow();
    assertThat(volume).contains("\"" + cmd.value("--data-dir") + "\"");
    assertThat(lines.stream().filter(l -> l.startsWith("EXPOSE ")).findFirst().orElseThrow())
        .contains(cmd.value("--admin-port"), cmd.value("--sql-port"));
    String healthcheck = lines.stream().filter(l -> l.startsWith("HEALTHCHECK ")).findFirst().orElseThrow();
    assertThat(healthcheck).contains("healthcheck.sh");
    String script = Files.readString(ROOT.resolve("deploy/docker/healthcheck.sh"));
    assertThat(script).contains("GET /health ", "${MERIDIAN_ADMIN_PORT:-" + cmd.value("--admin-port") + "}", "= 200 ]");
  }

  // ---------------------------------------------------------------------------------------------
  // Compose

  @Test
  @SuppressWarnings("unchecked")
  void composeRunsThreeNodesInThreeRegionsThatJoinEachOtherAndOneInit() throws IOException {
    List<Invocation> starts = composeStarts();
    assertThat(starts).hasSize(3);
    assertThat(starts.stream().map(s -> s.value("--node-id")).distinct().count()).isEqualTo(3);
    assertThat(starts.stream().map(s -> s.value("--region")).distinct().count()).isEqualTo(3);
    Map<String, Object> services = (Map<String, Object>) compose().get("services");
    List<String> expectedJoin = new ArrayList<>();
    for (Invocation start : starts) {
      String service = start.where().substring(start.where().indexOf(':') + 1);
      expectedJoin.add(service + ":" + start.value("--port"));
      Map<String, Object> definition = (Map<String, Object>) services.get(service);
      assertThat((List<String>) definition.get("volumes")).as(service)
          .anyMatch(v -> v.endsWith(":" + start.value("--data-dir")));
    }
    for (Invocation start : starts) {
      assertThat(List.of(start.value("--join").split(","))).as(start.where()).containsExactlyInAnyOrderElementsOf(expectedJoin);
    }
    Map<String, Object> init = (Map<String, Object>) services.get("init");
    assertThat((List<String>) init.get("entrypoint")).containsExactly("/bin/bash", "-c");
    // Compose interpolates $: the script's $? is written $$?.
    assertThat(expectedJoin).contains(initHost(((List<String>) init.get("command")).get(0), "$$?"));
  }

  // ---------------------------------------------------------------------------------------------
  // Kubernetes

  @Test
  @SuppressWarnings("unchecked")
  void theStatefulSetJoinsItsPodsThroughTheHeadlessServiceAndIsReadyOnHealth() throws IOException {
    Map<String, Map<String, Object>> objects = kubernetesObjects();
    Map<String, Object> sts = objects.get("StatefulSet/meridian");
    Map<String, Object> spec = (Map<String, Object>) sts.get("spec");
    int replicas = (Integer) spec.get("replicas");
    String serviceName = (String) spec.get("serviceName");
    Map<String, Object> headless = (Map<String, Object>) objects.get("Service/" + serviceName).get("spec");
    assertThat(headless.get("clusterIP")).isEqualTo("None");
    assertThat(headless.get("publishNotReadyAddresses")).isEqualTo(true);

    Map<String, Object> template = (Map<String, Object>) spec.get("template");
    Map<String, String> podLabels = (Map<String, String>) ((Map<String, Object>) template.get("metadata")).get("labels");
    Map<String, Object> podSpec = (Map<String, Object>) template.get("spec");
    assertThat(((Map<String, Object>) podSpec.get("securityContext")).get("runAsNonRoot")).isEqualTo(true);

    Invocation start = kubernetesStart();
    List<String> expectedJoin = new ArrayList<>();
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      expectedJoin.add(((Map<String, Object>) sts.get("metadata")).get("name") + "-" + ordinal + "." + serviceName + ":"
          + start.value("--port"));
    }
    assertThat(List.of(start.value("--join").split(","))).containsExactlyElementsOf(expectedJoin);
    assertThat(start.value("--node-id")).isEqualTo("$NODE_ID");

    Map<String, Object> container = ((List<Map<String, Object>>) podSpec.get("containers")).get(0);
    String script = ((List<String>) container.get("args")).get(0);
    assertThat(script).contains("NODE_ID=$(( ${HOSTNAME##*-} + 1 ))", "REGION=$(cat /topology/region)",
        "ZONE=$(cat /topology/zone)");
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Map<String, Object> port : (List<Map<String, Object>>) container.get("ports")) {
      ports.put((String) port.get("name"), (Integer) port.get("containerPort"));
    }
    assertThat(ports).containsEntry("admin", Integer.parseInt(start.value("--admin-port")))
        .containsEntry("sql", Integer.parseInt(start.value("--sql-port")))
        .containsEntry("transport", Integer.parseInt(start.value("--port")));
    Map<String, Object> readiness = (Map<String, Object>) ((Map<String, Object>) container.get("readinessProbe")).get("httpGet");
    assertThat(readiness).containsEntry("path", "/health").containsEntry("port", "admin");
    assertThat((List<Map<String, Object>>) container.get("volumeMounts"))
        .anyMatch(m -> m.get("name").equals("data") && m.get("mountPath").equals(start.value("--data-dir")));

    // Region and zone come from the Kubernetes node's labels, written by the init container.
    Map<String, Object> topology = ((List<Map<String, Object>>) podSpec.get("initContainers")).get(0);
    String topologyScript = ((List<String>) topology.get("args")).get(0);
    assertThat(topologyScript).contains("topology\\.kubernetes\\.io/region", "> /topology/region",
        "topology\\.kubernetes\\.io/zone", "> /topology/zone");
    assertThat(objects.get("ClusterRole/meridian-read-node-topology").toString()).contains("resources=[nodes]", "verbs=[get]");

    // The client Service and the PodDisruptionBudget select these pods; the PDB keeps a majority.
    Map<String, Object> client = (Map<String, Object>) objects.get("Service/meridian").get("spec");
    assertThat(client.get("clusterIP")).isNull();
    assertThat(podLabels).containsAllEntriesOf((Map<String, String>) client.get("selector"));
    Map<String, Object> pdb = (Map<String, Object>) objects.get("PodDisruptionBudget/meridian").get("spec");
    assertThat(podLabels).containsAllEntriesOf(
        (Map<String, String>) ((Map<String, Object>) pdb.get("selector")).get("matchLabels"));
    assertThat((Integer) pdb.get("maxUnavailable")).isLessThan((replicas + 1) / 2);

    // One init Job, at one of the joined nodes.
    Map<String, Object> job = (Map<String, Object>) ((Map<String, Object>) objects.get("Job/meridian-init").get("spec")).get("template");
    Map<String, Object> init = ((List<Map<String, Object>>) ((Map<String, Object>) job.get("spec")).get("containers")).get(0);
    assertThat((List<String>) init.get("command")).containsExactly("/bin/bash", "-c");
    assertThat(expectedJoin).contains(initHost(((List<String>) init.get("args")).get(0), "$?"));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the files

  private static final Pattern INIT = Pattern.compile(
      "^/opt/meridian/bin/meridian init --host (\\S+) \\|\\| \\[ (\\S+) -eq 3 \\]$");

  /**
   * The {@code --host} of an init script, which must be exactly {@code meridian init --host H:P ||
   * [ $? -eq 3 ]}: init exits 3 when the cluster is already initialized, which is success for a
   * deployment that runs it on every start.
   */
  private static String initHost(String script, String exitStatus) {
    Matcher matcher = INIT.matcher(script.strip());
    assertThat(matcher.matches()).as("init script: " + script).isTrue();
    assertThat(matcher.group(2)).isEqualTo(exitStatus);
    return matcher.group(1);
  }

  private static List<String> dockerfileLines() throws IOException {
    return Files.readAllLines(ROOT.resolve("deploy/docker/Dockerfile")).stream().map(String::strip).toList();
  }

  /** The image's default command, {@code CMD ["start", ...]}. */
  private static Invocation dockerfileCmd() throws IOException {
    String cmd = dockerfileLines().stream().filter(l -> l.startsWith("CMD [")).findFirst().orElseThrow();
    List<String> args = List.of(new ObjectMapper().readValue(cmd.substring(4), String[].class));
    assertThat(args.get(0)).isEqualTo("start");
    return new Invocation("Dockerfile CMD", args.subList(1, args.size()));
  }

  private static Map<String, Object> compose() throws IOException {
    return new Yaml().load(Files.readString(ROOT.resolve("deploy/docker/compose.yaml")));
  }

  @SuppressWarnings("unchecked")
  private static List<Invocation> composeStarts() throws IOException {
    List<Invocation> starts = new ArrayList<>();
    ((Map<String, Map<String, Object>>) compose().get("services")).forEach((name, service) -> {
      List<String> command = (List<String>) service.get("command");
      if (command != null && command.get(0).equals("start")) {
        starts.add(new Invocation("compose:" + name, command.subList(1, command.size())));
      }
    });
    return starts;
  }

  /** {@code Kind/name} to object, every document of deploy/k8s. */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> kubernetesObjects() throws IOException {
    Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
    try (var files = Files.list(ROOT.resolve("deploy/k8s"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
          if (document != null) {
            Map<String, Object> object = (Map<String, Object>) document;
            String name = (String) ((Map<String, Object>) object.get("metadata")).get("name");
            assertThat(objects.put(object.get("kind") + "/" + name, object)).as(file + ": " + name + " twice").isNull();
          }
        }
      }
    }
    return objects;
  }

  private static final Pattern START_LINE = Pattern.compile("meridian start (.*)");

  /** The StatefulSet's start command: the script's {@code exec .../meridian start ...}, continuations joined. */
  @SuppressWarnings("unchecked")
  private static Invocation kubernetesStart() throws IOException {
    Map<String, Object> sts = kubernetesObjects().get("StatefulSet/meridian");
    Map<String, Object> podSpec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) sts.get("spec"))
        .get("template")).get("spec");
    Map<String, Object> container = ((List<Map<String, Object>>) podSpec.get("containers")).get(0);
    String script = ((List<String>) container.get("args")).get(0).replace("\\\n", " ");
    Matcher start = START_LINE.matcher(script);
    assertThat(start.find()).as("the StatefulSet's script runs meridian start").isTrue();
    List<String> args = new ArrayList<>();
    for (String word : start.group(1).strip().split("\\s+")) {
      args.add(word.length() >= 2 && word.startsWith("\"") && word.endsWith("\"") ? word.substring(1, word.length() - 1) : word);
    }
    return new Invocation("k8s StatefulSet/meridian", args);
  }

  /** conf/meridian.conf's keys as flags, with their documented values (null for a switch). */
  private static Map<String, String> confEntries() throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    Pattern line = Pattern.compile("^# ([a-z][a-z0-9-]*)(?: = (.+))?$");
    for (String text : Files.readAllLines(ROOT.resolve("deploy/src/main/dist/conf/meridian.conf"))) {
      Matcher matcher = line.matcher(text.strip());
      if (matcher.matches()) {
        entries.put("--" + matcher.group(1), matcher.group(2));
      }
    }
    return entries;
  }

  private static Set<String> documentedFlags() throws IOException {
    return new TreeSet<>(confEntries().keySet());
  }
}
