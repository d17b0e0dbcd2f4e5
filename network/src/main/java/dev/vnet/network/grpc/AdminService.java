package dev.vnet.network.grpc;

import dev.vnet.network.registry.RegistryLoop;
import dev.vnet.network.store.StoreReader;
import dev.vnet.network.store.StoreUnavailableException;
import dev.vnet.proto.v1.AdminGrpc;
import dev.vnet.proto.v1.DeleteContainerRequest;
import dev.vnet.proto.v1.DeleteContainerResponse;
import dev.vnet.proto.v1.DrainAgentRequest;
import dev.vnet.proto.v1.DrainAgentResponse;
import dev.vnet.proto.v1.GetLeaderRequest;
import dev.vnet.proto.v1.HistoryRequest;
import dev.vnet.proto.v1.HistoryResponse;
import dev.vnet.proto.v1.LeaderInfo;
import dev.vnet.proto.v1.ListNodesRequest;
import dev.vnet.proto.v1.ListNodesResponse;
import dev.vnet.proto.v1.MigrateRequest;
import dev.vnet.proto.v1.MigrationInfo;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.wire.Names;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The operators' API ({@code vnet.v1.Admin}). Reports come from the store, read on the admin threads (reads block,
 * and transport threads must not); commands (migrate, drain, delete) go to the registry like everything else.
 */
public final class AdminService extends AdminGrpc.AdminImplBase {

    private static final int DEFAULT_HISTORY = 50;

    private final StoreReader store;
    private final ExecutorService readers;
    private final RegistryLoop loop;
    private final Names names;

    public AdminService(StoreReader store, ExecutorService readers, RegistryLoop loop, Names names) {
        this.store = store;
        this.readers = readers;
        this.loop = loop;
        this.names = names;
    }

    @Override
    public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> responses) {
        if (refuse(request.getStatus() == NodeStatus.UNRECOGNIZED ? "status " + request.getStatusValue()
                + " is not a NodeStatus" : null, responses)) {
            return;
        }
        read(() -> ListNodesResponse.newBuilder().addAllNodes(store.nodes(request.getStatus())).build(), responses);
    }

    @Override
    public void getLeader(GetLeaderRequest request, StreamObserver<LeaderInfo> responses) {
        read(store::leader, responses);
    }

    @Override
    public void history(HistoryRequest request, StreamObserver<HistoryResponse> responses) {
        if (refuse(names.idProblem("uuid", request.getUuid()), responses)) {
            return;
        }
        int limit = request.getLimit() > 0 ? Math.min(request.getLimit(), 1000) : DEFAULT_HISTORY;
        read(() -> HistoryResponse.newBuilder().addAllMigrations(store.history(request.getUuid(), limit)).build(),
                responses);
    }

    @Override
    public void migrate(MigrateRequest request, StreamObserver<MigrationInfo> responses) {
        String problem = Names.first(names.idProblem("uuid", request.getUuid()),
                names.optionalIdProblem("target_agent", request.getTargetAgent()));
        if (refuse(problem, responses)) {
            return;
        }
        loop.compose(registry -> registry.migrate(request.getUuid(), request.getTargetAgent()))
                .whenComplete((info, failure) -> answer(info, failure, responses));
    }

    @Override
    public void drain(DrainAgentRequest request, StreamObserver<DrainAgentResponse> responses) {
        if (refuse(names.idProblem("agent_id", request.getAgentId()), responses)
                || refuse(request.getDeadlineMs() < 0 ? "deadline_ms must not be negative" : null, responses)) {
            return;
        }
        loop.call(registry -> registry.drain(request.getAgentId(), request.getDeadlineMs()))
                .whenComplete((agent, failure) -> answer(
                        agent == null ? null : DrainAgentResponse.newBuilder().setAgent(agent).build(), failure,
                        responses));
    }

    @Override
    public void deleteContainer(DeleteContainerRequest request, StreamObserver<DeleteContainerResponse> responses) {
        if (refuse(names.idProblem("uuid", request.getUuid()), responses)) {
            return;
        }
        loop.call(registry -> {
            registry.delete(request.getUuid());
            return DeleteContainerResponse.getDefaultInstance();
        }).whenComplete((done, failure) -> answer(done, failure, responses));
    }

    private static <T> void answer(T value, Throwable failure, StreamObserver<T> responses) {
        if (failure != null) {
            responses.onError(Failures.toStatus(failure).asRuntimeException());
        } else {
            responses.onNext(value);
            responses.onCompleted();
        }
    }

    private static boolean refuse(String problem, StreamObserver<?> responses) {
        if (problem == null) {
            return false;
        }
        responses.onError(Failures.invalid(problem).asRuntimeException());
        return true;
    }

    private <T> void read(Supplier<T> read, StreamObserver<T> responses) {
        try {
            readers.execute(() -> {
                try {
                    responses.onNext(read.get());
                    responses.onCompleted();
                } catch (StoreUnavailableException e) {
                    responses.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
                } catch (RuntimeException e) {
                    responses.onError(Failures.toStatus(e).asRuntimeException());
                }
            });
        } catch (RejectedExecutionException busy) {
            responses.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many admin reads at once; retry shortly")
                    .asRuntimeException());
        }
    }
}
