package dev.vnet.network.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vnet.client.ContainerRef;
import dev.vnet.client.GetOptions;
import dev.vnet.client.VnetClient;
import dev.vnet.network.Coordinator;
import dev.vnet.network.grpc.TestKinds;
import dev.vnet.network.store.FreshDatabase;
import dev.vnet.runtime.AgentRuntime;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A routed request is one trace: the SDK's client span, the coordinator's, the agent's and the container's, each
 * the parent of the next, carried in the messages (not in thread-locals: the four run on different threads).
 */
@QuarkusTest
@WithTestResource(FreshDatabase.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingTest {

    @Inject
    Coordinator coordinator;

    @Inject
    OpenTelemetry openTelemetry;

    @Inject
    InMemorySpanExporter spans;

    private AgentRuntime agent;
    private VnetClient client;

    @BeforeAll
    void start() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(coordinator::isReady);
        String network = "127.0.0.1:" + coordinator.grpcPort();
        agent = AgentRuntime.builder().agentId("traced-agent").network(network).host("127.0.0.1").port(0)
                .kind(TestKinds.echo()).openTelemetry(openTelemetry).build().start();
        agent.registered().get(10, TimeUnit.SECONDS);
        client = VnetClient.builder().network(network).openTelemetry(openTelemetry).build()
                .awaitConnected(Duration.ofSeconds(10));
    }

    @AfterAll
    void stop() {
        client.close();
        agent.close(Duration.ofSeconds(1));
    }

    @Test
    void aRoutedRequestIsOneTraceFromClientToContainer() {
        ContainerRef echo = client.get(GetOptions.kind("echo").uuid("traced-echo"));
        spans.reset();

        assertThat(echo.request("ping", Map.of("n", 1), Map.class)).isEqualTo(Map.of("n", 1));

        List<SpanData> trace = awaitSpans(4);
        SpanData clientSpan = named(trace, "vnet.request ping");
        trace = trace.stream().filter(span -> span.getTraceId().equals(clientSpan.getTraceId())).toList();
        SpanData networkSpan = named(trace, "vnet.route ping");
        SpanData agentSpan = named(trace, "vnet.agent ping");
        SpanData containerSpan = named(trace, "vnet.container echo.ping");
        assertThat(trace).extracting(SpanData::getName).containsExactlyInAnyOrder("vnet.request ping",
                "vnet.route ping", "vnet.agent ping", "vnet.container echo.ping");
        assertThat(networkSpan.getParentSpanId()).isEqualTo(clientSpan.getSpanId());
        assertThat(agentSpan.getParentSpanId()).isEqualTo(networkSpan.getSpanId());
        assertThat(containerSpan.getParentSpanId()).isEqualTo(agentSpan.getSpanId());
        assertThat(clientSpan.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(networkSpan.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(agentSpan.getAttributes().asMap().values()).contains("routed", "traced-echo");
    }

    @Test
    void aFailingContainerMarksItsSpansAsErrors() {
        ContainerRef echo = client.get(GetOptions.kind("echo").uuid("traced-failure"));
        spans.reset();

        try {
            echo.request("fail", "on purpose", Object.class);
        } catch (RuntimeException expected) {
            // the container threw: the span statuses below say so
        }

        List<SpanData> trace = awaitSpans(4);
        assertThat(named(trace, "vnet.container echo.fail").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(named(trace, "vnet.route fail").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(named(trace, "vnet.request fail").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void directRequestsAreTracedFromClientToContainerWithoutTheNetwork() {
        ContainerRef echo = client.get(GetOptions.kind("echo").uuid("traced-direct"));
        spans.reset();

        echo.requestDirect("hello", "x", String.class);

        List<SpanData> trace = awaitSpans(3);
        assertThat(named(trace, "vnet.agent hello").getParentSpanId())
                .isEqualTo(named(trace, "vnet.direct hello").getSpanId());
        assertThat(trace).extracting(SpanData::getName).doesNotContain("vnet.route hello");
    }

    private List<SpanData> awaitSpans(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().size() >= count);
        return spans.getFinishedSpanItems();
    }

    private static SpanData named(List<SpanData> trace, String name) {
        return trace.stream().filter(span -> span.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + trace.stream()
                        .map(SpanData::getName).toList()));
    }
}
