package dev.vnet.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The containers a credential's container permissions ({@code container:get}, {@code container:request},
 * {@code container:ha:create}) reach: those of the given kinds (any when none is given) that carry every given
 * label (e.g. {@code tenant=acme}). A credential without a scope reaches every container.
 */
public record ContainerScope(Set<String> kinds, List<String> labels) {

    /** Every container. */
    public static final ContainerScope ANY = new ContainerScope(Set.of(), List.of());

    public ContainerScope {
        kinds = Set.copyOf(kinds);
        labels = List.copyOf(labels);
    }

    /** From configuration or claims: blank entries are skipped. */
    public static ContainerScope parse(Collection<String> kinds, Collection<String> labels) {
        return new ContainerScope(Set.copyOf(trimmed(kinds)), trimmed(labels));
    }

    private static List<String> trimmed(Collection<String> items) {
        List<String> kept = new ArrayList<>();
        for (String item : items) {
            if (!item.trim().isEmpty()) {
                kept.add(item.trim());
            }
        }
        return kept;
    }

    /** Whether this scope limits anything. */
    public boolean isLimited() {
        return !kinds.isEmpty() || !labels.isEmpty();
    }

    /** Whether a container of {@code kind} with {@code containerLabels} is in the scope. */
    public boolean covers(String kind, Collection<String> containerLabels) {
        return coversKind(kind) && containerLabels.containsAll(labels);
    }

    /** Whether containers of {@code kind} may be in the scope. */
    public boolean coversKind(String kind) {
        return kinds.isEmpty() || kinds.contains(kind);
    }

    @Override
    public String toString() {
        return (kinds.isEmpty() ? "any kind" : "kinds " + String.join(",", kinds.stream().sorted().toList()))
                + (labels.isEmpty() ? "" : " with labels " + String.join(",", labels));
    }
}
