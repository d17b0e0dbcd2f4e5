package dev.vnet.network.registry;

/**
 * How much one client or the whole network may hold; 0 means no limit.
 *
 * @param maxContainersPerSession containers one session may hold references to
 * @param maxAgents agents registered at once (standby instances of a registered agent do not count)
 */
public record RegistryLimits(int maxContainersPerSession, int maxAgents) {

    public static final RegistryLimits NONE = new RegistryLimits(0, 0);

    public RegistryLimits {
        if (maxContainersPerSession < 0 || maxAgents < 0) {
            throw new IllegalArgumentException("limits must not be negative (0 means none)");
        }
    }
}
