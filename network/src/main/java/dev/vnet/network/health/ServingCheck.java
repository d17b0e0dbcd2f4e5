package dev.vnet.network.health;

import dev.vnet.network.grpc.GrpcServer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the gRPC server accepts clients and agents. */
@Readiness
@ApplicationScoped
public class ServingCheck implements HealthCheck {

    private final GrpcServer server;

    public ServingCheck(GrpcServer server) {
        this.server = server;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("grpc").status(server.isServing()).build();
    }
}
