package dev.vnet.network.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The bodies the HTTP API's commands take. */
public final class Requests {

    private Requests() {}

    /** @param targetAgent the agent to move to; empty or absent: the network chooses */
    @Schema(name = "MigrateRequest", description = "Where to move an ha container")
    public record Migrate(@Schema(description = "Agent id; empty: the best agent with room") String targetAgent) {}

    /** @param deadlineMs how long standard containers may keep running; absent or 0: vnet.network.drain-timeout */
    @Schema(name = "DrainRequest", description = "How long the agent's standard containers may keep running")
    public record Drain(@Schema(description = "Milliseconds; 0: the network's drain timeout") Long deadlineMs) {}
}
