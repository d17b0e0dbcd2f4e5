package dev.vnet.network.registry;

import java.time.Duration;
import java.util.Map;

/**
 * The registry's timing rules, in milliseconds, and its limits.
 *
 * @param heartbeatIntervalMs how often agents heartbeat (told to them on registration)
 * @param aliveTimeoutMs an agent or a streaming session silent this long is dead
 * @param idleTimeoutMs how long an unreferenced standard container lives, unless its kind says otherwise
 * @param idleTimeoutByKindMs per-kind idle timeouts
 * @param startTimeoutMs how long an agent may take to start a container
 * @param recoveryWindowMs after start-up, how long creations wait so that agents can re-register what they run
 * @param maxConcurrentMigrations how many ha containers are re-created at once; more wait their turn
 * @param drainTimeoutMs how long a draining agent's standard containers may run, unless the drain says otherwise
 * @param limits what one client and the network may hold
 * @param blipGraceMs how long the standard containers of an agent whose stream dropped are kept, with their
 *     references, for it to re-register them
 */
public record RegistrySettings(long heartbeatIntervalMs, long aliveTimeoutMs, long idleTimeoutMs,
        Map<String, Long> idleTimeoutByKindMs, long startTimeoutMs, long recoveryWindowMs, int maxConcurrentMigrations,
        long drainTimeoutMs, RegistryLimits limits, long blipGraceMs) {

    public RegistrySettings {
        idleTimeoutByKindMs = Map.copyOf(idleTimeoutByKindMs);
    }

    /** Timing rules with a blip grace of one alive timeout. */
    public RegistrySettings(long heartbeatIntervalMs, long aliveTimeoutMs, long idleTimeoutMs,
            Map<String, Long> idleTimeoutByKindMs, long startTimeoutMs, long recoveryWindowMs,
            int maxConcurrentMigrations, long drainTimeoutMs, RegistryLimits limits) {
        this(heartbeatIntervalMs, aliveTimeoutMs, idleTimeoutMs, idleTimeoutByKindMs, startTimeoutMs, recoveryWindowMs,
                maxConcurrentMigrations, drainTimeoutMs, limits, aliveTimeoutMs);
    }

    /** Timing rules without limits. */
    public RegistrySettings(long heartbeatIntervalMs, long aliveTimeoutMs, long idleTimeoutMs,
            Map<String, Long> idleTimeoutByKindMs, long startTimeoutMs, long recoveryWindowMs,
            int maxConcurrentMigrations, long drainTimeoutMs) {
        this(heartbeatIntervalMs, aliveTimeoutMs, idleTimeoutMs, idleTimeoutByKindMs, startTimeoutMs, recoveryWindowMs,
                maxConcurrentMigrations, drainTimeoutMs, RegistryLimits.NONE);
    }

    /** The defaults: heartbeat 1 s, alive 3 s, idle 60 s; start 15 s, recovery 5 s, 8 migrations, drain 60 s, blip 3 s. */
    public static RegistrySettings defaults() {
        return new RegistrySettings(1000, 3000, Duration.ofSeconds(60).toMillis(), Map.of(), 15_000, 5_000, 8,
                60_000);
    }

    public long idleTimeoutMs(String kind) {
        return idleTimeoutByKindMs.getOrDefault(kind, idleTimeoutMs);
    }
}
