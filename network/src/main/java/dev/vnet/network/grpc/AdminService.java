package dev.vnet.network.grpc;

import dev.vnet.network.access.Failures;
import dev.vnet.network.admin.AdminOperations;
import dev.vnet.proto.v1.AdminGrpc;
import dev.vnet.security.AuthInterceptor;
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
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The operators' gRPC API ({@code vnet.v1.Admin}): translates messages to {@link AdminOperations}, which the HTTP
 * API ({@code /api/v1}) calls too, and its outcomes back.
 */
public final class AdminService extends AdminGrpc.AdminImplBase {

    private final AdminOperations admin;

    public AdminService(AdminOperations admin) {
        this.admin = admin;
    }

    @Override
    public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> responses) {
        answer(admin.nodes(request.getStatus()), nodes -> ListNodesResponse.newBuilder().addAllNodes(nodes).build(),
                responses);
    }

    @Override
    public void getLeader(GetLeaderRequest request, StreamObserver<LeaderInfo> responses) {
        answer(admin.leader(), Function.identity(), responses);
    }

    @Override
    public void history(HistoryRequest request, StreamObserver<HistoryResponse> responses) {
        answer(admin.history(request.getUuid(), request.getLimit(), AuthInterceptor.caller()),
                moves -> HistoryResponse.newBuilder().addAllMigrations(moves).build(), responses);
    }

    @Override
    public void migrate(MigrateRequest request, StreamObserver<MigrationInfo> responses) {
        answer(admin.migrate(request.getUuid(), request.getTargetAgent(), AuthInterceptor.caller()), Function.identity(), responses);
    }

    @Override
    public void drain(DrainAgentRequest request, StreamObserver<DrainAgentResponse> responses) {
        answer(admin.drain(request.getAgentId(), request.getDeadlineMs()),
                agent -> DrainAgentResponse.newBuilder().setAgent(agent).build(), responses);
    }

    @Override
    public void deleteContainer(DeleteContainerRequest request, StreamObserver<DeleteContainerResponse> responses) {
        answer(admin.delete(request.getUuid(), AuthInterceptor.caller()), done -> DeleteContainerResponse.getDefaultInstance(), responses);
    }

    private static <T, R> void answer(CompletableFuture<T> outcome, Function<T, R> toResponse,
            StreamObserver<R> responses) {
        outcome.whenComplete((value, failure) -> {
            if (failure != null) {
                responses.onError(Failures.toStatus(failure).asRuntimeException());
            } else {
                responses.onNext(toResponse.apply(value));
                responses.onCompleted();
            }
        });
    }
}
