package dev.vnet.network.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.network.events.EventHub;
import dev.vnet.network.access.Failures;
import dev.vnet.network.access.ServingGate;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.security.Principal;
import dev.vnet.wire.Names;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the gRPC Admin service and the HTTP API share before any store or registry is asked: arguments are checked,
 * and a standby sends the registry's questions to the leader.
 */
class AdminOperationsTest {

    private static final Principal ANYONE = Principal.UNAUTHENTICATED_DEVELOPER;

    private final ServingGate gate = new ServingGate("this coordinator stands by: it does not lead");
    private final AdminOperations admin = new AdminOperations(null, null, null, new EventHub(), Names.DEFAULT, gate);

    @AfterEach
    void close() {
        admin.close();
    }

    @Test
    void aStandbyRefersEveryQuestionForTheRegistryToTheLeader() {
        gate.pointAt("10.0.0.7:3737");
        for (CompletableFuture<?> answer : new CompletableFuture<?>[] {admin.agents(), admin.stats(),
            admin.containers(ContainerQuery.all(), ANYONE), admin.container("c-1", ANYONE),
            admin.migrate("c-1", "", ANYONE), admin.drain("agent-1", 0), admin.delete("c-1", ANYONE), admin.watch(event -> true)}) {
            Status status = failure(answer);
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(status.getDescription()).isEqualTo(
                    "this coordinator stands by: it does not lead; the leader is 10.0.0.7:3737");
        }
        assertThat(admin.leads()).isFalse();
    }

    @Test
    void badArgumentsAreRefusedNamingTheField() {
        assertThat(failure(admin.migrate("", "", ANYONE)).getDescription()).contains("uuid");
        assertThat(failure(admin.drain("agent-1", -1)).getDescription())
                .isEqualTo("deadline_ms must not be negative");
        assertThat(failure(admin.history("c-1", -5, ANYONE)).getDescription()).isEqualTo("limit must not be negative");
        assertThat(failure(admin.nodes(NodeStatus.UNRECOGNIZED)).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    private static Status failure(CompletableFuture<?> answer) {
        assertThat(answer).isCompletedExceptionally();
        return Failures.toStatus(answer.handle((value, failure) -> failure).join());
    }
}
