package dev.meridian.e2e;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The node processes a test started; registered as an extension ({@code @RegisterExtension}), it
 * ends every one still running (SIGKILL) after each test, however the test ended: a failed
 * assertion must not leave a node behind.
 */
final class StartedNodes implements AfterEachCallback {

  private final List<NodeProcess> started = new ArrayList<>();

  NodeProcess track(NodeProcess node) {
    started.add(node);
    return node;
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    for (NodeProcess node : started) {
      node.close();
    }
    started.clear();
  }
}
