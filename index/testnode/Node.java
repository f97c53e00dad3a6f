import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Real OpenSearch nodes for the index tests, bound to 127.0.0.1 only.
 *
 * <p>Usage: {@code java -cp 'lib/*' Node.java BASE_PATH FIRST_HTTP_PORT NODES CLUSTER [key=value,key=value]}. Node n
 * (from 1) listens on FIRST_HTTP_PORT + n - 1 and keeps its data in BASE_PATH/node_n; the optional fifth argument
 * adds settings to every node (values cannot contain commas). Prints "READY" once the cluster is yellow.
 *
 * <p>Standard input is read line by line: "stop N" closes node N and answers "STOPPED N"; anything else answers
 * "ERROR ...". End of input closes every node and exits, so a test process that dies takes its nodes with it. The
 * runner never deletes BASE_PATH, so starting again with the same BASE_PATH, port and cluster name brings the data
 * back.
 */
public final class Node {
    public static void main(final String[] args) throws Exception {
        final String basePath = args[0];
        final int firstPort = Integer.parseInt(args[1]);
        final int nodes = Integer.parseInt(args[2]);
        final Map<String, String> extra = parseSettings(args.length > 4 ? args[4] : "");
        final OpenSearchRunner runner = new OpenSearchRunner();
        runner.onBuild((number, settings) -> {
            settings.put("network.host", "127.0.0.1");
            settings.put("http.port", Integer.toString(firstPort + number - 1));
            if (nodes == 1) {
                settings.put("discovery.type", "single-node");
            }
            extra.forEach(settings::put);
        }).build(newConfigs().basePath(basePath).numOfNode(nodes).clusterName(args[3]).disableESLogger());
        runner.ensureYellow();
        reply("READY");
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            reply(command(runner, line.strip()));
        }
        runner.close();
    }

    /** One standard-input command; returns the line to answer. */
    private static String command(final OpenSearchRunner runner, final String line) {
        final String[] words = line.split("\\s+");
        if (words.length != 2 || !words[0].equals("stop") || !words[1].matches("\\d+")) {
            return "ERROR unknown command: " + line;
        }
        final int number = Integer.parseInt(words[1]);
        final org.opensearch.node.Node node = runner.getNode(number - 1); // the runner counts nodes from 0 here, from 1 in onBuild
        if (node == null) {
            return "ERROR no node " + number;
        }
        try {
            node.close();
            if (!node.awaitClose(30, TimeUnit.SECONDS)) {
                return "ERROR node " + number + " did not close within 30s";
            }
        } catch (final Exception e) {
            return "ERROR closing node " + number + ": " + e;
        }
        return "STOPPED " + number;
    }

    private static Map<String, String> parseSettings(final String spec) {
        final Map<String, String> settings = new LinkedHashMap<>();
        for (final String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            final int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("setting is not key=value: " + pair);
            }
            settings.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return settings;
    }

    private static void reply(final String line) {
        System.out.println(line);
        System.out.flush();
    }
}
