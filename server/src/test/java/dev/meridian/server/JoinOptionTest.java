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
}
