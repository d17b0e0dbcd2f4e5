package dev.vnet.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PermissionTest {

    @Test
    void parsesTheNamesOfTheTable() {
        assertThat(Permission.parseAll(List.of("container:get", " container:ha:create ", "")))
                .containsExactlyInAnyOrder(Permission.CONTAINER_GET, Permission.CONTAINER_HA_CREATE);
        assertThat(Permission.parseAll(List.of("events:watch", "*"))).isEqualTo(EnumSet.allOf(Permission.class));
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> Permission.parseAll(List.of("container:gte")))
                .hasMessageContaining("unknown permission 'container:gte'")
                .hasMessageContaining("container:get");
    }
}
