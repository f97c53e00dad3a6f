import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Real OpenSearch nodes for the index tests, bound to 127.0.0.1 only.
 *
 * <p>Usage: {@code java -cp 'lib/*' Node.java BASE_PATH FIRST_HTTP_PORT NODES CLUSTER}. Node n (from 1) listens on
 * FIRST_HTTP_PORT + n - 1. Prints "READY" once the cluster is yellow; stops, and removes nothing, when standard
 * input closes, so a test process that dies takes its nodes with it.
 */
public final class Node {
    public static void main(final String[] args) throws Exception {
        final String basePath = args[0];
        final int firstPort = Integer.parseInt(args[1]);
        final int nodes = Integer.parseInt(args[2]);
        final OpenSearchRunner runner = new OpenSearchRunner();
        runner.onBuild((number, settings) -> {
            settings.put("network.host", "127.0.0.1");
            settings.put("http.port", Integer.toString(firstPort + number - 1));
            if (nodes == 1) {
                settings.put("discovery.type", "single-node");
            }
        }).build(newConfigs().basePath(basePath).numOfNode(nodes).clusterName(args[3]).disableESLogger());
        runner.ensureYellow();
        System.out.println("READY");
        System.out.flush();
        while (System.in.read() != -1) {
            // wait for the test process to close our standard input
        }
        runner.close();
    }
}
