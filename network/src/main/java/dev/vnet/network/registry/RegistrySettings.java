package dev.vnet.network.registry;

import java.util.Map;

/**
 * The registry's timing rules, in milliseconds, and its limits. Built with {@link #builder()}, which starts from the
 * defaults docs/CONFIGURATION.md documents, so that a caller names only what it changes.
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

    /**
     * Settings at the documented defaults: heartbeat 1 s, alive 3 s, idle 60 s, start 15 s, recovery 5 s,
     * 8 concurrent migrations, drain 60 s, blip grace 3 s, 10 000 containers per session and 1 000 agents.
     */
    public static Builder builder() {
        return new Builder();
    }

    public long idleTimeoutMs(String kind) {
        return idleTimeoutByKindMs.getOrDefault(kind, idleTimeoutMs);
    }

    /** Builds {@link RegistrySettings}; each setter replaces one default. */
    public static final class Builder {

        private long heartbeatIntervalMs = 1_000;
        private long aliveTimeoutMs = 3_000;
        private long idleTimeoutMs = 60_000;
        private Map<String, Long> idleTimeoutByKindMs = Map.of();
        private long startTimeoutMs = 15_000;
        private long recoveryWindowMs = 5_000;
        private int maxConcurrentMigrations = 8;
        private long drainTimeoutMs = 60_000;
        private RegistryLimits limits = new RegistryLimits(10_000, 1_000);
        private long blipGraceMs = 3_000;

        private Builder() {
        }

        public Builder heartbeatIntervalMs(long value) {
            heartbeatIntervalMs = value;
            return this;
        }

        public Builder aliveTimeoutMs(long value) {
            aliveTimeoutMs = value;
            return this;
        }

        public Builder idleTimeoutMs(long value) {
            idleTimeoutMs = value;
            return this;
        }

        public Builder idleTimeoutByKindMs(Map<String, Long> value) {
            idleTimeoutByKindMs = value;
            return this;
        }

        public Builder startTimeoutMs(long value) {
            startTimeoutMs = value;
            return this;
        }

        public Builder recoveryWindowMs(long value) {
            recoveryWindowMs = value;
            return this;
        }

        public Builder maxConcurrentMigrations(int value) {
            maxConcurrentMigrations = value;
            return this;
        }

        public Builder drainTimeoutMs(long value) {
            drainTimeoutMs = value;
            return this;
        }

        public Builder limits(RegistryLimits value) {
            limits = value;
            return this;
        }

        public Builder blipGraceMs(long value) {
            blipGraceMs = value;
            return this;
        }

        public RegistrySettings build() {
            return new RegistrySettings(heartbeatIntervalMs, aliveTimeoutMs, idleTimeoutMs, idleTimeoutByKindMs,
                    startTimeoutMs, recoveryWindowMs, maxConcurrentMigrations, drainTimeoutMs, limits, blipGraceMs);
        }
    }
}
