package dev.vnet.network.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.proto.v1.Payload;
import org.junit.jupiter.api.Test;

class RouteTest {

    private final Route route = new Route("room", null, 1, "127.0.0.1:1");

    @Test
    void aRouteWithoutClientsFindsNone() {
        assertThat(route.subscriber("client-1")).isNull();
        assertThat(route.subscribers()).isEmpty();
        assertThat(route.unsubscribe("client-1", new Sink())).isFalse();
        assertThat(route.unsubscribeAll()).isEmpty();
    }

    @Test
    void aClientIsConnectedOnceUntilItsOwnSinkLeaves() {
        Sink first = new Sink();
        Sink second = new Sink();

        assertThat(route.subscribe("client-1", first)).isTrue();
        assertThat(route.subscribe("client-1", second)).isFalse();
        assertThat(route.subscriber("client-1")).isSameAs(first);
        assertThat(route.unsubscribe("client-1", second)).isFalse();
        assertThat(route.unsubscribe("client-1", first)).isTrue();
        assertThat(route.subscriber("client-1")).isNull();
    }

    @Test
    void anEndingRouteHandsOverEveryClientAndKeepsNone() {
        Sink first = new Sink();
        Sink second = new Sink();
        route.subscribe("client-1", first);
        route.subscribe("client-2", second);
        var before = route.subscribers();

        assertThat(route.unsubscribeAll()).containsExactlyInAnyOrder(first, second);
        assertThat(route.subscribers()).isEmpty();
        assertThat(before).as("a view taken before the end").isEmpty();
        assertThat(route.subscribe("client-1", first)).isTrue();
    }

    private static final class Sink implements ConnectionSink {
        @Override
        public void broadcast(Payload payload) {}

        @Override
        public void closed(String reason) {}
    }
}
