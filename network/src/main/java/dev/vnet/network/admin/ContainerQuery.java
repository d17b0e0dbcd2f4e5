package dev.vnet.network.admin;

import dev.vnet.proto.v1.ContainerInfo;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.MigrationStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Which containers an operator lists, in which order, which page. The registry applies kind, labels and agent
 * (it indexes by kind); {@link #page} applies the rest, off the registry thread.
 *
 * @param kind empty: every kind
 * @param labels every one must be on the container
 * @param agentId empty: any agent, placed or not
 * @param type UNSPECIFIED: every type
 * @param state UNSPECIFIED: every state
 * @param migration UNSPECIFIED: every migration status
 * @param offset how many selected containers to skip (0 or more)
 * @param limit how many to list (1 to {@link #MAX_LIMIT})
 */
public record ContainerQuery(String kind, List<String> labels, String agentId, ContainerType type,
        ContainerState state, MigrationStatus migration, Sort sort, boolean descending, int offset, int limit) {

    /** The most containers one page holds. */
    public static final int MAX_LIMIT = 1000;
    /** A page's size when the caller does not say. */
    public static final int DEFAULT_LIMIT = 50;

    /** The orders a listing can take; ties are broken by uuid, so that pages never overlap. */
    public enum Sort {
        UUID(Comparator.comparing(ContainerInfo::getUuid)),
        KIND(Comparator.comparing(ContainerInfo::getKind)),
        TYPE(Comparator.comparing(ContainerInfo::getTypeValue)),
        STATE(Comparator.comparing(ContainerInfo::getStateValue)),
        AGENT(Comparator.comparing(ContainerInfo::getAgentId)),
        MIGRATION(Comparator.comparing(ContainerInfo::getMigrationStatusValue)),
        CREATED(Comparator.comparingLong(ContainerInfo::getCreatedAtMs)),
        REFERENCES(Comparator.comparingInt(ContainerInfo::getReferences));

        private final Comparator<ContainerInfo> order;

        Sort(Comparator<ContainerInfo> order) {
            this.order = order.thenComparing(ContainerInfo::getUuid);
        }

        /** The name used in requests, e.g. {@code created}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ContainerQuery {
        labels = List.copyOf(labels);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative; it is " + offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + "; it is " + limit);
        }
    }

    /** Every container, in uuid order, first page. */
    public static ContainerQuery all() {
        return new ContainerQuery("", List.of(), "", ContainerType.CONTAINER_TYPE_UNSPECIFIED,
                ContainerState.CONTAINER_STATE_UNSPECIFIED, MigrationStatus.MIGRATION_STATUS_UNSPECIFIED, Sort.UUID,
                false, 0, DEFAULT_LIMIT);
    }

    /** Whether a container passes the filters the registry does not apply. */
    public boolean selects(ContainerInfo container) {
        return (type == ContainerType.CONTAINER_TYPE_UNSPECIFIED || container.getType() == type)
                && (state == ContainerState.CONTAINER_STATE_UNSPECIFIED || container.getState() == state)
                && (migration == MigrationStatus.MIGRATION_STATUS_UNSPECIFIED
                        || container.getMigrationStatus() == migration);
    }

    /** Filters {@code candidates} (what the registry selected), sorts them and cuts out this page. */
    public ContainerPage page(List<ContainerInfo> candidates) {
        Comparator<ContainerInfo> order = descending ? sort.order.reversed() : sort.order;
        List<ContainerInfo> selected = candidates.stream().filter(this::selects).sorted(order).toList();
        int from = Math.min(offset, selected.size());
        int to = Math.min(selected.size(), from + limit);
        return new ContainerPage(selected.size(), offset, selected.subList(from, to));
    }
}
