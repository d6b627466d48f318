package dev.meridian.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JoinOptionTest {

  @Test
  void joinTargetsAreParsedAndNeedTheNodesOwnClusterPort() {
    NodeServer.Options options = NodeServer.Options.parse(new String[] {"--data-dir", "d", "--node-id", "2",
        "--port", "7171", "--join", "10.0.0.1:7171, host-b:7172"});
    assertThat(options.clusterPort()).isEqualTo(7171);
    assertThat(options.join()).containsExactly("10.0.0.1:7171", "host-b:7172");

    assertThatThrownBy(() -> NodeServer.Options.parse(new String[] {"--data-dir", "d", "--join", "a:1"}))
        .hasMessageContaining("--join needs --port");
    assertThatThrownBy(() -> NodeServer.Options.parse(new String[] {"--data-dir", "d", "--port", "1", "--join", "a"}))
        .hasMessageContaining("--join takes host:port");
    assertThatThrownBy(() -> NodeServer.Options.parse(new String[] {"--data-dir", "d", "--port", "1", "--join",
        "a:99999"})).hasMessageContaining("65535");
  }

  @Test
  void withoutJoinANodeHasNoClusterEndpointUnlessAsked() {
    NodeServer.Options options = NodeServer.Options.parse(new String[] {"--data-dir", "d"});
    assertThat(options.clusterPort()).isNull();
    assertThat(options.join()).isEqualTo(List.of());
  }

  /** Peers and clients are told the advertised host; a wildcard bind has none to tell. */
  @Test
  void aNodeBoundToEveryInterfaceMustSayWhereItIsReached() {
    assertThat(NodeServer.Options.parse(new String[] {"--data-dir", "d", "--listen", "10.0.0.5"}).advertiseHost())
        .isEqualTo("10.0.0.5");
    assertThat(NodeServer.Options.parse(new String[] {"--data-dir", "d", "--listen", "0.0.0.0"}).advertiseHost())
        .as("a single node on every interface, as before").isEqualTo("127.0.0.1");
    assertThatThrownBy(() -> NodeServer.Options.parse(new String[] {"--data-dir", "d", "--listen", "0.0.0.0",
        "--port", "7171", "--join", "a:7171"})).hasMessageContaining("needs --advertise-host");
    assertThatThrownBy(() -> NodeServer.Options.parse(new String[] {"--data-dir", "d", "--listen", "::",
        "--port", "7171"})).hasMessageContaining("needs --advertise-host");
    NodeServer.Options pod = NodeServer.Options.parse(new String[] {"--data-dir", "d", "--listen", "0.0.0.0",
        "--advertise-host", "meridian-0.meridian-peers", "--port", "7171", "--join", "a:7171"});
    assertThat(pod.advertiseHost()).isEqualTo("meridian-0.meridian-peers");
    assertThat(NodeServer.Options.parse(new String[] {"--data-dir", "d", "--advertise-host", "fd00::5"})
        .advertiseHost()).isEqualTo("fd00::5");
    for (String bad : List.of("0.0.0.0", "host:7171", "[fd00::5]:7171", "a b", "")) {
      assertThatThrownBy(() -> NodeServer.Options.parse(new String[] {"--data-dir", "d", "--advertise-host", bad}))
          .as(bad).hasMessageContaining("--advertise-host takes");
    }
  }
}
