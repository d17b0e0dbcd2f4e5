package dev.vnet.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The agent ids a credential may serve (register as, stand by for, replace the stream of): exact ids, prefix
 * globs such as {@code shop-*}, or {@code *} for any. Empty: none.
 */
public final class AgentIds {

    /** Any agent id. */
    public static final AgentIds ANY = new AgentIds(List.of("*"));
    /** No agent id. */
    public static final AgentIds NONE = new AgentIds(List.of());

    private final List<String> patterns;

    private AgentIds(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /**
     * Parses patterns as configuration and claims give them (blank ones are skipped).
     *
     * @throws IllegalArgumentException for a {@code *} anywhere but at the end
     */
    public static AgentIds parse(Collection<String> raw) {
        List<String> patterns = new ArrayList<>();
        for (String item : raw) {
            String pattern = item.trim();
            if (pattern.isEmpty()) {
                continue;
            }
            int star = pattern.indexOf('*');
            if (star >= 0 && star != pattern.length() - 1) {
                throw new IllegalArgumentException("agent id pattern '" + pattern + "' has a '*' that is not at its "
                        + "end: use an exact id, a prefix glob such as 'shop-*', or '*'");
            }
            patterns.add(pattern);
        }
        return new AgentIds(patterns);
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** Whether {@code agentId} is one of these. */
    public boolean allows(String agentId) {
        for (String pattern : patterns) {
            if (pattern.endsWith("*") ? agentId.startsWith(pattern.substring(0, pattern.length() - 1))
                    : pattern.equals(agentId)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return patterns.isEmpty() ? "none" : String.join(",", patterns);
    }
}
