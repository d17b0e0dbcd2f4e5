package dev.vnet.network.rest;

import com.google.protobuf.ProtocolMessageEnum;
import dev.vnet.network.admin.ContainerQuery;
import dev.vnet.network.access.Failures;
import dev.vnet.proto.v1.ContainerState;
import dev.vnet.proto.v1.ContainerType;
import dev.vnet.proto.v1.MigrationStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Query parameters as the HTTP API takes them: enum values by their short name ({@code ha}, {@code running}) or
 * their full proto name ({@code CONTAINER_TYPE_HA}), any case; a bad value is INVALID_ARGUMENT naming the
 * parameter and the values allowed.
 */
public final class ApiParams {

    private ApiParams() {}

    /** The container listing a request asks for. */
    public static ContainerQuery containers(String kind, List<String> labels, String agent, String type,
            String state, String migration, String sort, Integer offset, Integer limit) {
        boolean descending = sort != null && sort.startsWith("-");
        String sortName = sort == null || sort.isBlank() ? "uuid" : descending ? sort.substring(1) : sort;
        ContainerQuery.Sort order = Arrays.stream(ContainerQuery.Sort.values())
                .filter(s -> s.id().equalsIgnoreCase(sortName.trim())).findFirst()
                .orElseThrow(() -> invalid("sort '" + sort + "' is not one of " + Arrays.stream(
                        ContainerQuery.Sort.values()).map(ContainerQuery.Sort::id).collect(Collectors.joining(", "))
                        + " (prefix '-' for descending)"));
        try {
            return new ContainerQuery(text(kind), labels == null ? List.of() : labels, text(agent),
                    value("type", type, ContainerType.values(), "CONTAINER_TYPE_", ContainerType.CONTAINER_TYPE_UNSPECIFIED),
                    value("state", state, ContainerState.values(), "CONTAINER_STATE_",
                            ContainerState.CONTAINER_STATE_UNSPECIFIED),
                    value("migration", migration, MigrationStatus.values(), "MIGRATION_STATUS_",
                            MigrationStatus.MIGRATION_STATUS_UNSPECIFIED),
                    order, descending, offset == null ? 0 : offset,
                    limit == null ? ContainerQuery.DEFAULT_LIMIT : limit);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /**
     * The enum value {@code raw} names; {@code none} when it is absent or empty.
     *
     * @param prefix what the proto names start with, e.g. {@code CONTAINER_TYPE_}
     */
    public static <E extends Enum<E> & ProtocolMessageEnum> E value(String param, String raw, E[] values,
            String prefix, E none) {
        if (raw == null || raw.isBlank()) {
            return none;
        }
        String name = raw.trim().toUpperCase(Locale.ROOT);
        List<String> allowed = new ArrayList<>();
        for (E value : values) {
            if (value == none || value.name().equals("UNRECOGNIZED")) {
                continue;
            }
            String shortName = value.name().substring(prefix.length());
            if (name.equals(value.name()) || name.equals(shortName)) {
                return value;
            }
            allowed.add(shortName.toLowerCase(Locale.ROOT));
        }
        throw invalid(param + " '" + raw + "' is not one of " + String.join(", ", allowed));
    }

    private static String text(String value) {
        return value == null ? "" : value.trim();
    }

    static RuntimeException invalid(String problem) {
        return Failures.invalid(problem).asRuntimeException();
    }
}
