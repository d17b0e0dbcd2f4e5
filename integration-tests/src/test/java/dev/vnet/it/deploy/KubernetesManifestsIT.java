package dev.vnet.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes manifests the Quarkus extension generates for network and agent at package time
 * ({@code target/kubernetes/kubernetes.yml}), and the copies committed in {@code deploy/kubernetes/}: the copies are
 * current, and the manifests deploy vnet the way docs/DEPLOY.md says.
 */
class KubernetesManifestsIT {

    private static final Path ROOT = Path.of(System.getProperty("vnet.root", "..")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("vnet.version", "");

    private static final String NETWORK = "vnet-network";
    private static final String AGENT = "vnet-agent";
    /** The agent's defaults: vnet.agent.drain-timeout (30 s) then vnet.agent.shutdown-grace (5 s). */
    private static final int AGENT_SHUTDOWN_SECONDS = 30 + 5;

    private final Manifest network = Manifest.read(generated("network"));
    private final Manifest agent = Manifest.read(generated("agent"));
    private final Manifest secret = Manifest.read(ROOT.resolve("deploy/kubernetes/secret/vnet-db.yml"));
    private final Manifest security = Manifest.read(ROOT.resolve("deploy/kubernetes/secret/vnet-security.yml"));

    private static Path generated(String module) {
        return ROOT.resolve(module).resolve("target/kubernetes/kubernetes.yml");
    }

    static Stream<Arguments> applications() {
        return Stream.of(Arguments.of("network", NETWORK, 3737, 8080), Arguments.of("agent", AGENT, 3738, 8081));
    }

    private Manifest manifest(String module) {
        return module.equals("network") ? network : agent;
    }

    @ParameterizedTest
    @MethodSource("applications")
    void theCommittedCopyIsWhatTheBuildGenerates(String module) throws IOException {
        Path committed = ROOT.resolve("deploy/kubernetes").resolve(module + ".yml");
        assertThat(committed).exists();
        List<String> expected = Files.readAllLines(generated(module));
        List<String> actual = Files.readAllLines(committed);

        int line = 0;
        while (line < Math.min(expected.size(), actual.size()) && expected.get(line).equals(actual.get(line))) {
            line++;
        }
        assertThat(actual).as("%s is stale from line %d on: run deploy/kubernetes/update and commit the result",
                ROOT.relativize(committed), line + 1).hasSameSizeAs(expected);
        assertThat(line).as("%s is stale from line %d on (\"%s\", generated \"%s\"): run deploy/kubernetes/update "
                + "and commit the result", ROOT.relativize(committed), line + 1,
                line < actual.size() ? actual.get(line) : "", line < expected.size() ? expected.get(line) : "")
                .isEqualTo(expected.size());
    }

    @Test
    void twoCoordinatorReplicasCanBeRolledOutThoughTheStandbyIsNeverReady() {
        JsonNode spec = network.resource("Deployment", NETWORK).path("spec");
        int replicas = spec.path("replicas").asInt();
        JsonNode rolling = spec.path("strategy").path("rollingUpdate");

        assertThat(replicas).isEqualTo(2);
        assertThat(spec.path("strategy").path("type").asText()).isEqualTo("RollingUpdate");
        // Only the leader is ever available: a rollout that must keep one pod available waits for ever.
        assertThat(Quantities.pods(rolling.path("maxUnavailable"), replicas, false)).isGreaterThanOrEqualTo(replicas);
        assertThat(Quantities.pods(rolling.path("maxSurge"), replicas, true)).isNotNegative();
        // Never all replicas available, so never "complete": a progress deadline would report every rollout failed.
        assertThat(spec.path("progressDeadlineSeconds").asInt()).isEqualTo(Integer.MAX_VALUE);
        assertThat(spec.path("minReadySeconds").asInt(0)).isZero();
    }

    @Test
    void agentsRollOutOneAtATimeAndHaveTimeToDrain() {
        JsonNode spec = agent.resource("Deployment", AGENT).path("spec");
        int replicas = spec.path("replicas").asInt();
        JsonNode rolling = spec.path("strategy").path("rollingUpdate");

        assertThat(replicas).isGreaterThanOrEqualTo(2);
        assertThat(Quantities.pods(rolling.path("maxUnavailable"), replicas, false)).isZero();
        assertThat(Quantities.pods(rolling.path("maxSurge"), replicas, true)).isEqualTo(1);
        assertThat(spec.path("template").path("spec").path("terminationGracePeriodSeconds").asInt())
                .isGreaterThan(AGENT_SHUTDOWN_SECONDS);
    }

    @ParameterizedTest
    @MethodSource("applications")
    void eachApplicationExposesGrpcAndHttp(String module, String name, int grpcPort, int httpPort) {
        Map<String, Integer> ports = containerPorts(manifest(module).container(name, name));

        assertThat(ports).containsOnly(Map.entry("grpc", grpcPort), Map.entry("http", httpPort));
    }

    @ParameterizedTest
    @MethodSource("applications")
    void probesAskTheHealthEndpointsOnTheHttpPort(String module, String name, int grpcPort, int httpPort) {
        JsonNode container = manifest(module).container(name, name);

        assertProbe(container, "startupProbe", "/q/health/started", httpPort);
        assertProbe(container, "livenessProbe", "/q/health/live", httpPort);
        assertProbe(container, "readinessProbe", "/q/health/ready", httpPort);
    }

    private static void assertProbe(JsonNode container, String probe, String path, int httpPort) {
        JsonNode get = container.path(probe).path("httpGet");

        assertThat(get.path("path").asText()).as(probe).isEqualTo(path);
        assertThat(portNumber(container, get.path("port"))).as(probe).isEqualTo(httpPort);
        assertThat(get.path("scheme").asText("HTTP")).as(probe).isEqualTo("HTTP");
        // A probe slower than its period would overlap the next one.
        assertThat(container.path(probe).path("timeoutSeconds").asInt(1))
                .as(probe).isLessThanOrEqualTo(container.path(probe).path("periodSeconds").asInt(10));
    }

    @Test
    void theCoordinatorServiceSendsGrpcAndHttpToTheReadyReplicaOnly() {
        JsonNode service = network.resource("Service", NETWORK).path("spec");
        JsonNode deployment = network.resource("Deployment", NETWORK).path("spec");
        JsonNode container = network.container(NETWORK, NETWORK);

        assertThat(service.path("type").asText("ClusterIP")).isEqualTo("ClusterIP");
        // Ready pods only: a standby is not ready, so clients and agents always reach the leader.
        assertThat(service.path("publishNotReadyAddresses").asBoolean(false)).isFalse();
        assertThat(service.path("selector")).isEqualTo(deployment.path("selector").path("matchLabels"));
        assertSelects(service.path("selector"), deployment.path("template").path("metadata").path("labels"));

        JsonNode grpc = servicePort(service, "grpc");
        assertThat(grpc.path("port").asInt()).isEqualTo(3737);
        assertThat(portNumber(container, grpc.path("targetPort"))).isEqualTo(3737);
        assertThat(grpc.path("protocol").asText("TCP")).isEqualTo("TCP");
        assertThat(portNumber(container, servicePort(service, "http").path("targetPort"))).isEqualTo(8080);
    }

    @Test
    void theAgentServiceSelectsTheAgentPods() {
        JsonNode service = agent.resource("Service", AGENT).path("spec");
        JsonNode deployment = agent.resource("Deployment", AGENT).path("spec");

        assertSelects(service.path("selector"), deployment.path("template").path("metadata").path("labels"));
        assertThat(portNumber(agent.container(AGENT, AGENT), servicePort(service, "grpc").path("targetPort")))
                .isEqualTo(3738);
    }

    @Test
    void coordinatorsReadTheDatabaseFromTheSecretAndTheirIdentityFromThePod() {
        Map<String, JsonNode> env = env(network.container(NETWORK, NETWORK));
        JsonNode template = secret.resource("Secret", "vnet-db");

        assertFromSecret(env, "VNET_DB_URL", template, "url");
        assertFromSecret(env, "VNET_DB_USER", template, "user");
        assertFromSecret(env, "VNET_DB_PASSWORD", template, "password");
        assertThat(template.path("stringData").path("url").asText()).startsWith("postgresql://");
        assertFromField(env, "VNET_NETWORK_REPLICA_ID", "metadata.name");
        assertFromField(env, "VNET_NETWORK_ADVERTISED_HOST", "status.podIP");
        // Quarkus' Flyway init task would set this to false, and the coordinator's own migrations would not run.
        assertThat(env).doesNotContainKey("QUARKUS_FLYWAY_ACTIVE");
    }

    @Test
    void agentsRegisterThroughTheCoordinatorServiceAsTheirPod() {
        Map<String, JsonNode> env = env(agent.container(AGENT, AGENT));
        JsonNode service = network.resource("Service", NETWORK);
        String coordinator = service.path("metadata").path("name").asText() + ":"
                + servicePort(service.path("spec"), "grpc").path("port").asInt();

        assertThat(env).containsKey("VNET_AGENT_NETWORK");
        assertThat(env.get("VNET_AGENT_NETWORK").path("value").asText()).isEqualTo(coordinator);
        assertFromField(env, "VNET_AGENT_ID", "metadata.name");
        assertFromField(env, "VNET_AGENT_ADVERTISED_HOST", "status.podIP");
    }

    @ParameterizedTest
    @MethodSource("applications")
    void bothReadTheirSecuritySettingsFromTheSecurityDescribedInTheSecret(String module, String name) {
        Manifest manifest = manifest(module);
        JsonNode container = manifest.container(name, name);
        JsonNode template = security.resource("Secret", "vnet-security");
        Map<String, JsonNode> env = env(container);

        JsonNode mount = container.path("volumeMounts").get(0);
        assertThat(mount.path("name").asText()).isEqualTo("vnet-security");
        assertThat(env.get("QUARKUS_CONFIG_LOCATIONS").path("value").asText())
                .isEqualTo(mount.path("mountPath").asText() + "/security.properties");
        JsonNode volume = manifest.resource("Deployment", name).path("spec").path("template").path("spec")
                .path("volumes").get(0);
        assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("vnet-security");
        assertThat(template.path("stringData").path("security.properties").asText())
                .contains("vnet.security.tokens.agents.permissions=agent:register")
                .contains("vnet.security.tokens.agents.agent-ids=vnet-agent-*");
        if (module.equals("agent")) {
            assertFromSecret(env, "VNET_AGENT_TOKEN", template, "agent-token");
            assertThat(template.path("stringData").path("security.properties").asText())
                    .contains("vnet.security.tokens.agents.secret=" + template.path("stringData").path("agent-token")
                            .asText());
        }
    }

    @ParameterizedTest
    @MethodSource("applications")
    void containersRequestResourcesWithinTheirLimits(String module, String name) {
        JsonNode resources = manifest(module).container(name, name).path("resources");

        for (String resource : new String[] {"cpu", "memory"}) {
            JsonNode request = resources.path("requests").path(resource);
            JsonNode limit = resources.path("limits").path(resource);
            assertThat(Quantities.quantity(request)).as(resource).isPositive();
            assertThat(Quantities.quantity(request)).as(resource).isLessThanOrEqualTo(Quantities.quantity(limit));
        }
    }

    @ParameterizedTest
    @MethodSource("applications")
    void prometheusScrapesEveryPodOnItsHttpPort(String module, String name, int grpcPort, int httpPort) {
        JsonNode annotations = manifest(module).resource("Deployment", name).path("spec").path("template")
                .path("metadata").path("annotations");

        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/q/metrics");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(String.valueOf(httpPort));
    }

    @ParameterizedTest
    @MethodSource("applications")
    void imagesAreVnetImagesAtTheProjectVersion(String module, String name) {
        String image = manifest(module).container(name, name).path("image").asText();

        assertThat(VERSION).as("the vnet.version system property (set by the pom)").isNotEmpty();
        assertThat(image).matches("([^/]+/)?vnet/" + module + ":" + Pattern.quote(VERSION));
    }

    @ParameterizedTest
    @MethodSource("applications")
    void eachApplicationIsADeploymentAndItsServiceOnly(String module) {
        // No Flyway init Job, no service account and role to wait for it: the coordinator migrates its own schema.
        assertThat(manifest(module).resources()).extracting(r -> r.path("kind").asText())
                .containsExactlyInAnyOrder("Service", "Deployment");
    }

    // ---- reading the trees ----

    private static Map<String, Integer> containerPorts(JsonNode container) {
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        return ports;
    }

    /** A probe's or a Service's port, given as a number or as the name of one of the container's ports. */
    private static int portNumber(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        Integer named = containerPorts(container).get(port.asText());
        if (named == null) {
            throw new AssertionError("no container port named " + port);
        }
        return named;
    }

    private static JsonNode servicePort(JsonNode serviceSpec, String name) {
        for (JsonNode port : serviceSpec.path("ports")) {
            if (name.equals(port.path("name").asText())) {
                return port;
            }
        }
        throw new AssertionError("the Service has no port named " + name + ": " + serviceSpec.path("ports"));
    }

    private static void assertSelects(JsonNode selector, JsonNode podLabels) {
        assertThat(selector.size()).isPositive();
        selector.fields().forEachRemaining(label -> assertThat(podLabels.path(label.getKey()).asText())
                .as("pod label %s", label.getKey()).isEqualTo(label.getValue().asText()));
    }

    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    private static void assertFromSecret(Map<String, JsonNode> env, String name, JsonNode secret, String key) {
        assertThat(env).containsKey(name);
        JsonNode ref = env.get(name).path("valueFrom").path("secretKeyRef");
        assertThat(ref.path("name").asText()).as(name).isEqualTo(secret.path("metadata").path("name").asText());
        assertThat(ref.path("key").asText()).as(name).isEqualTo(key);
        assertThat(secret.path("stringData").has(key)).as("the Secret has %s", key).isTrue();
    }

    private static void assertFromField(Map<String, JsonNode> env, String name, String field) {
        assertThat(env).containsKey(name);
        assertThat(env.get(name).path("valueFrom").path("fieldRef").path("fieldPath").asText()).as(name)
                .isEqualTo(field);
    }
}
