package dev.vnet.network.grpc;

import dev.vnet.network.store.StoreReader;
import dev.vnet.network.store.StoreUnavailableException;
import dev.vnet.proto.v1.AdminGrpc;
import dev.vnet.proto.v1.GetLeaderRequest;
import dev.vnet.proto.v1.LeaderInfo;
import dev.vnet.proto.v1.ListNodesRequest;
import dev.vnet.proto.v1.ListNodesResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The operators' API ({@code vnet.v1.Admin}). Its answers come from the store, read on the admin threads (reads
 * block, and transport threads must not).
 */
public final class AdminService extends AdminGrpc.AdminImplBase {

    private final StoreReader store;
    private final ExecutorService readers;

    public AdminService(StoreReader store, ExecutorService readers) {
        this.store = store;
        this.readers = readers;
    }

    @Override
    public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> responses) {
        answer(() -> ListNodesResponse.newBuilder().addAllNodes(store.nodes(request.getStatus())).build(), responses);
    }

    @Override
    public void getLeader(GetLeaderRequest request, StreamObserver<LeaderInfo> responses) {
        answer(store::leader, responses);
    }

    private <T> void answer(Supplier<T> read, StreamObserver<T> responses) {
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
