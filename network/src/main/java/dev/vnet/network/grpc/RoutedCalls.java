package dev.vnet.network.grpc;

import dev.vnet.proto.v1.ContainerRequest;
import java.util.List;
import java.util.Map;

/**
 * Watches each routed call from its arrival to its answer: metrics time it, traces make a span of it. The routed
 * path calls this once per call, so an implementation must be cheap, and free when it is off.
 */
public interface RoutedCalls {

    /** Nobody watches. */
    RoutedCalls NONE = request -> Watch.NONE;

    /** A call arrives. */
    Watch arrived(ContainerRequest request);

    /** One call being watched. */
    interface Watch {
        Watch NONE = new Watch() { };

        /** Trace context to pass on to the agent with the call; empty when not tracing. */
        default Map<String, String> context() {
            return Map.of();
        }

        /** The call was answered with this gRPC status code (0 for OK). */
        default void answered(int code) {
        }
    }

    /** Every one of {@code watchers}, in order. */
    static RoutedCalls all(List<RoutedCalls> watchers) {
        if (watchers.size() == 1) {
            return watchers.get(0);
        }
        return request -> {
            Watch[] watches = new Watch[watchers.size()];
            for (int i = 0; i < watches.length; i++) {
                watches[i] = watchers.get(i).arrived(request);
            }
            return new Watch() {
                @Override
                public Map<String, String> context() {
                    for (Watch watch : watches) {
                        Map<String, String> context = watch.context();
                        if (!context.isEmpty()) {
                            return context;
                        }
                    }
                    return Map.of();
                }

                @Override
                public void answered(int code) {
                    for (Watch watch : watches) {
                        watch.answered(code);
                    }
                }
            };
        };
    }
}
