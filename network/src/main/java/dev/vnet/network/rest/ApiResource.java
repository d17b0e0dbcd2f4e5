package dev.vnet.network.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vnet.network.Coordinator;
import dev.vnet.network.admin.AdminOperations;
import dev.vnet.network.config.ConsoleConfig;
import dev.vnet.network.registry.RegistryStats;
import dev.vnet.proto.v1.EventKind;
import dev.vnet.proto.v1.HistoryResponse;
import dev.vnet.proto.v1.ListAgentsResponse;
import dev.vnet.proto.v1.ListNodesResponse;
import dev.vnet.proto.v1.NodeStatus;
import dev.vnet.security.Permission;
import dev.vnet.security.Principal;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The operators' HTTP API, version 1 (docs/CONSOLE.md): what the console shows and does, and what {@code curl}
 * users script. Each endpoint checks the caller with {@link ApiAccess}, calls {@link AdminOperations} (as the gRPC
 * Admin service does) and writes the proto messages in their JSON mapping. Refusals are the HTTP status of their
 * gRPC code with an {@link ApiError} body.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "vnet", description = "The operators' API: agents, nodes, containers, migrations, leadership, events")
public class ApiResource {

    private final Coordinator coordinator;
    private final MeterRegistry meters;
    private final ConsoleConfig console;
    private final ApiAccess access;
    private final ObjectMapper mapper;

    public ApiResource(Coordinator coordinator, MeterRegistry meters, ConsoleConfig console, ObjectMapper mapper) {
        this.coordinator = coordinator;
        this.mapper = mapper;
        this.meters = meters;
        this.console = console;
        this.access = new ApiAccess(coordinator::auth);
    }

    @GET
    @Path("me")
    @Operation(summary = "Who the bearer token names, and what it may do")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Me.class)))
    public Me me(@Context HttpHeaders headers, @Context HttpServerRequest http) {
        Principal principal = access.require(authorization(headers), null, "GET /api/v1/me", peer(http));
        return new Me(principal.name(), principal.permissions().stream().map(Permission::id).sorted().toList(),
                access.isOn());
    }

    @GET
    @Path("leader")
    @Operation(summary = "Who leads the network (any replica answers, from the store)",
            description = "Needs admin:read. JSON of vnet.v1.LeaderInfo.")
    @APIResponse(responseCode = "200", description = "vnet.v1.LeaderInfo")
    public CompletionStage<Response> leader(@Context HttpHeaders headers, @Context HttpServerRequest http) {
        return answer(headers, http, Permission.ADMIN_READ, "GET /api/v1/leader", (admin, caller) -> admin.leader(),
                ProtoJson::of);
    }

    @GET
    @Path("overview")
    @Operation(summary = "Counts by state and routed requests so far (the leader only)",
            description = "Needs admin:read.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Overview.class)))
    public CompletionStage<Response> overview(@Context HttpHeaders headers, @Context HttpServerRequest http) {
        return answer(headers, http, Permission.ADMIN_READ, "GET /api/v1/overview",
                (admin, caller) -> admin.stats().thenApply(this::overview), Function.identity());
    }

    @GET
    @Path("agents")
    @Operation(summary = "Every agent the leader knows, by id", description = "Needs admin:read. JSON of "
            + "vnet.v1.ListAgentsResponse: {\"agents\": [AgentInfo]}.")
    @APIResponse(responseCode = "200", description = "vnet.v1.ListAgentsResponse")
    public CompletionStage<Response> agents(@Context HttpHeaders headers, @Context HttpServerRequest http) {
        return answer(headers, http, Permission.ADMIN_READ, "GET /api/v1/agents", (admin, caller) -> admin.agents(),
                agents -> ProtoJson.of(ListAgentsResponse.newBuilder().addAllAgents(agents)));
    }

    @GET
    @Path("nodes")
    @Operation(summary = "Every node's health, as the store has it (any replica answers)",
            description = "Needs admin:read. JSON of vnet.v1.ListNodesResponse: {\"nodes\": [NodeInfo]}.")
    @APIResponse(responseCode = "200", description = "vnet.v1.ListNodesResponse")
    public CompletionStage<Response> nodes(@Context HttpHeaders headers, @Context HttpServerRequest http,
            @Parameter(description = "healthy, unhealthy or draining; absent: every node") @QueryParam("status")
            String status) {
        return answer(headers, http, Permission.ADMIN_READ, "GET /api/v1/nodes",
                (admin, caller) -> admin.nodes(ApiParams.value("status", status, NodeStatus.values(), "NODE_STATUS_",
                        NodeStatus.NODE_STATUS_UNSPECIFIED)),
                nodes -> ProtoJson.of(ListNodesResponse.newBuilder().addAllNodes(nodes)));
    }

    @GET
    @Path("containers")
    @Operation(summary = "One page of the containers the filters select (the leader only)",
            description = "Needs admin:read. {\"total\": n, \"offset\": n, \"containers\": [ContainerInfo]}.")
    @APIResponse(responseCode = "200", description = "total, offset and containers (vnet.v1.ContainerInfo)")
    public CompletionStage<Response> containers(@Context HttpHeaders headers, @Context HttpServerRequest http,
            @Parameter(description = "Only this kind") @QueryParam("kind") String kind,
            @Parameter(description = "standard, stateless or ha") @QueryParam("type") String type,
            @Parameter(description = "starting, running, moving or recovering") @QueryParam("state") String state,
            @Parameter(description = "idle, migrating, completed or failed") @QueryParam("migration")
            String migration,
            @Parameter(description = "Only containers placed on this agent") @QueryParam("agent") String agent,
            @Parameter(description = "Only containers with every one of these labels (repeat the parameter)")
            @QueryParam("label") List<String> labels,
            @Parameter(description = "uuid, kind, type, state, agent, migration, created or references; "
                    + "prefix - for descending. Default uuid") @QueryParam("sort") String sort,
            @Parameter(description = "Containers to skip (default 0)") @QueryParam("offset") Integer offset,
            @Parameter(description = "Page size, 1 to 1000 (default 50)") @QueryParam("limit") Integer limit) {
        return answer(headers, http, Permission.ADMIN_READ, "GET /api/v1/containers",
                (admin, caller) -> admin.containers(ApiParams.containers(kind, labels, agent, type, state, migration,
                        sort, offset, limit), caller),
                page -> "{\"total\":" + page.total() + ",\"offset\":" + page.offset() + ",\"containers\":"
                        + ProtoJson.array(page.containers()) + "}");
    }

    @GET
    @Path("containers/{uuid}")
    @Operation(summary = "One container in full (the leader only)",
            description = "Needs admin:read. JSON of vnet.v1.ContainerDetail.")
    @APIResponse(responseCode = "200", description = "vnet.v1.ContainerDetail")
    @APIResponse(responseCode = "404", description = "No such container",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public CompletionStage<Response> container(@Context HttpHeaders headers, @Context HttpServerRequest http,
            @PathParam("uuid") String uuid) {
        return answer(headers, http, Permission.ADMIN_READ, "GET /api/v1/containers/{uuid}",
                (admin, caller) -> admin.container(uuid, caller), ProtoJson::of);
    }

    @GET
    @Path("containers/{uuid}/history")
    @Operation(summary = "The moves of one container, newest first (any replica answers, from the store)",
            description = "Needs migration:view. JSON of vnet.v1.HistoryResponse: {\"migrations\": [MigrationInfo]}.")
    @APIResponse(responseCode = "200", description = "vnet.v1.HistoryResponse")
    public CompletionStage<Response> history(@Context HttpHeaders headers, @Context HttpServerRequest http,
            @PathParam("uuid") String uuid,
            @Parameter(description = "At most this many, 1 to 1000 (default 50)") @QueryParam("limit") Integer limit) {
        return answer(headers, http, Permission.MIGRATION_VIEW, "GET /api/v1/containers/{uuid}/history",
                (admin, caller) -> admin.history(uuid, limit == null ? 0 : limit, caller),
                moves -> ProtoJson.of(HistoryResponse.newBuilder().addAllMigrations(moves)));
    }

    @POST
    @Path("containers/{uuid}/migrate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Moves an ha container; answers when the move is over (the leader only)",
            description = "Needs migration:manage. In-memory state does not move: the container starts anew from "
                    + "its spec. JSON of vnet.v1.MigrationInfo. 400 FAILED_PRECONDITION when the container is not "
                    + "ha, is moving already, or the target cannot take it.")
    @APIResponse(responseCode = "200", description = "vnet.v1.MigrationInfo")
    @APIResponse(responseCode = "403", description = "The token lacks migration:manage",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public CompletionStage<Response> migrate(@Context HttpHeaders headers, @Context HttpServerRequest http,
            @PathParam("uuid") String uuid, Requests.Migrate body) {
        String target = body == null || body.targetAgent() == null ? "" : body.targetAgent().trim();
        return answer(headers, http, Permission.MIGRATION_MANAGE, "POST /api/v1/containers/{uuid}/migrate",
                (admin, caller) -> admin.migrate(uuid, target, caller), ProtoJson::of);
    }

    @DELETE
    @Path("containers/{uuid}")
    @Operation(summary = "Stops and forgets a container (the leader only)", description = "Needs container:delete. "
            + "400 FAILED_PRECONDITION while it moves, and for stateless containers.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public CompletionStage<Response> delete(@Context HttpHeaders headers, @Context HttpServerRequest http,
            @PathParam("uuid") String uuid) {
        return answer(headers, http, Permission.CONTAINER_DELETE, "DELETE /api/v1/containers/{uuid}",
                (admin, caller) -> admin.delete(uuid, caller), done -> null);
    }

    @POST
    @Path("agents/{agentId}/drain")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Drains an agent (the leader only)", description = "Needs agent:drain. It takes no new "
            + "containers, its stateless and ha containers move away at once, its standard ones stop when released "
            + "or at the deadline. JSON of vnet.v1.AgentInfo.")
    @APIResponse(responseCode = "200", description = "vnet.v1.AgentInfo, now draining")
    public CompletionStage<Response> drain(@Context HttpHeaders headers, @Context HttpServerRequest http,
            @PathParam("agentId") String agentId, Requests.Drain body) {
        long deadline = body == null || body.deadlineMs() == null ? 0 : body.deadlineMs();
        return answer(headers, http, Permission.AGENT_DRAIN, "POST /api/v1/agents/{agentId}/drain",
                (admin, caller) -> admin.drain(agentId, deadline), ProtoJson::of);
    }

    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "The network's events as server-sent events (the leader only)", description = "Needs "
            + "events:watch. Each event is named by its kind (agent_added, container_updated, migration_started, "
            + "...) and carries vnet.v1.Event as JSON; an 'overview' event (see /overview) comes at once and then "
            + "every vnet.console.overview-interval. The stream ends when this replica stops leading: reconnect.")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
            schema = @Schema(type = SchemaType.STRING)))
    public Multi<OutboundSseEvent> events(@Context HttpHeaders headers, @Context HttpServerRequest http,
            @Context Sse sse,
            @Parameter(description = "Only these kinds (repeat the parameter), e.g. migration_started")
            @QueryParam("kind") List<String> kinds) {
        Principal reader = access.require(authorization(headers), Permission.EVENTS_WATCH, "GET /api/v1/events",
                peer(http));
        AdminOperations admin = admin();
        admin.requireLeads();
        Set<EventKind> wanted = EnumSet.noneOf(EventKind.class);
        for (String kind : kinds == null ? List.<String>of() : kinds) {
            wanted.add(ApiParams.value("kind", kind, EventKind.values(), "EVENT_KIND_",
                    EventKind.EVENT_KIND_UNSPECIFIED));
        }
        if (wanted.contains(EventKind.EVENT_KIND_PING)) {
            throw ApiParams.invalid("kind 'ping' is for gRPC watchers that ask for pings; this stream's heartbeat is"
                    + " its 'overview' message, every vnet.console.overview-interval: leave it out");
        }
        EventFeed feed = new EventFeed(admin, console.eventBuffer(), console.overviewInterval());
        return feed.open(wanted, reader, () -> admin.stats().thenApply(stats -> json(overview(stats))))
                .map(message -> sse.newEventBuilder().name(message.name()).data(message.json())
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).build());
    }

    /** Every refusal thrown before an answer is under way: its HTTP status and {@link ApiError}. */
    @ServerExceptionMapper
    public Response refused(StatusRuntimeException refusal) {
        return ApiError.response(refusal);
    }

    private <T> CompletionStage<Response> answer(HttpHeaders headers, HttpServerRequest http, Permission needed,
            String what, BiFunction<AdminOperations, Principal, CompletableFuture<T>> call,
            Function<T, Object> body) {
        try {
            Principal caller = access.require(authorization(headers), needed, what, peer(http));
            return call.apply(admin(), caller).handle((value, failure) -> {
                if (failure != null) {
                    return ApiError.response(failure);
                }
                Object entity = body.apply(value);
                return entity == null ? Response.noContent().build()
                        : Response.ok(entity, MediaType.APPLICATION_JSON_TYPE).build();
            });
        } catch (RuntimeException refused) {
            return CompletableFuture.completedFuture(ApiError.response(refused));
        }
    }

    private Overview overview(RegistryStats stats) {
        return Overview.of(stats, coordinator.standbyReplicas(), meters, System.currentTimeMillis());
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private AdminOperations admin() {
        AdminOperations admin = coordinator.admin();
        if (admin == null) {
            throw io.grpc.Status.UNAVAILABLE.withDescription("this coordinator is starting").asRuntimeException();
        }
        return admin;
    }

    private static String authorization(HttpHeaders headers) {
        return headers.getHeaderString(HttpHeaders.AUTHORIZATION);
    }

    private static String peer(HttpServerRequest http) {
        return http.remoteAddress() == null ? "" : http.remoteAddress().toString();
    }
}
