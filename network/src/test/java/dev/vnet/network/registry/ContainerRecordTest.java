package dev.vnet.network.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.Payload;
import dev.vnet.proto.v1.Resources;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ContainerRecordTest {

    private final ContainerRecord container = new ContainerRecord("u-1", "echo", ContainerType.CONTAINER_TYPE_STANDARD,
            List.of(), Payload.getDefaultInstance(), Resources.getDefaultInstance(), "", 0);

    @Test
    void sessionsAreReadOnlyAndUnreferencedOnceTheLastLeaves() {
        assertThat(container.unreferenced()).isTrue();
        assertThat(container.removeSession("s-1")).isFalse();

        assertThat(container.addSession("s-1")).isTrue();
        assertThat(container.addSession("s-1")).isFalse();
        assertThat(container.addSession("s-2")).isTrue();
        assertThat(container.sessions()).containsExactly("s-1", "s-2");
        assertThatThrownBy(() -> container.sessions().clear()).isInstanceOf(UnsupportedOperationException.class);

        assertThat(container.removeSession("s-1")).isTrue();
        assertThat(container.unreferenced()).isFalse();
        assertThat(container.removeSession("s-2")).isTrue();
        assertThat(container.unreferenced()).isTrue();
        assertThat(container.sessionCount()).isZero();
        assertThat(container.sessions()).isEmpty();
    }

    @Test
    void anOfferTakenBackAndMadeAgainGoesLast() {
        container.addOffer("a1");
        container.addOffer("a2");
        container.addOffer("a1");
        assertThat(container.offers()).containsExactly("a1", "a2");

        container.removeOffer("a1");
        container.addOffer("a1");
        assertThat(container.offers()).containsExactly("a2", "a1");

        container.removeOffer("a1");
        container.removeOffer("a2");
        assertThat(container.offers()).isEmpty();
    }

    @Test
    void pendingRoutesAreTakenByDeadlineAndNoneAreLeftOnceAllAre() {
        ContainerRecord.PendingRoute early = new ContainerRecord.PendingRoute(new CompletableFuture<>(), 100);
        ContainerRecord.PendingRoute late = new ContainerRecord.PendingRoute(new CompletableFuture<>(), 200);
        container.addPendingRoute(early);
        container.addPendingRoute(late);

        assertThat(container.takePendingRoutes(pending -> pending.deadlineMs() <= 150)).containsExactly(early);
        assertThat(container.hasPendingRoutes()).isTrue();
        assertThat(container.takePendingRoutes(pending -> true)).containsExactly(late);
        assertThat(container.hasPendingRoutes()).isFalse();
    }

    @Test
    void pendingGetsAndConnectsAreTakenOnce() {
        ContainerRecord.PendingGet get = new ContainerRecord.PendingGet(new CompletableFuture<>(), true);
        container.addPendingGet(get);
        CompletableFuture<ContainerInfo> first = new CompletableFuture<>();
        CompletableFuture<ContainerInfo> second = new CompletableFuture<>();
        container.addPendingConnect("client-1", first);
        container.addPendingConnect("client-2", second);

        assertThat(container.takePendingGets()).containsExactly(get);
        assertThat(container.takePendingGets()).isEmpty();
        assertThat(container.removePendingConnect("client-1")).isSameAs(first);
        assertThat(container.removePendingConnect("client-1")).isNull();
        assertThat(container.takePendingConnects()).containsExactly(second);
        assertThat(container.takePendingConnects()).isEmpty();
    }
}
