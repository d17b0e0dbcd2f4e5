package dev.vnet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpawnSettingsTest {

    @Test
    void nothingGivenIsRandomForEveryScenario() {
        assertThat(SpawnSettings.of(null, null, null, false, List.of("failover"), Map.of()))
                .isSameAs(SpawnSettings.RANDOM);
        assertThat(SpawnSettings.of(null, null, null, true, Bench.ALL, Map.of())).isSameAs(SpawnSettings.RANDOM);
    }

    @Test
    void givenPortsAreUsedAndFurtherAgentsTakeTheNextOnes() throws Exception {
        int network;
        int agent;
        try (ServerSocket a = free(); ServerSocket b = free()) {
            network = a.getLocalPort();
            agent = b.getLocalPort();
        }
        SpawnSettings settings = SpawnSettings.of(network, agent, null, true, List.of("routed", "events"), Map.of());

        assertThat(settings.networkPort()).isEqualTo(network);
        assertThat(settings.agentPort(0)).isEqualTo(agent);
        assertThat(settings.agentPort(1)).isEqualTo(agent + 1);
        assertThat(SpawnSettings.RANDOM.networkPort()).isNotEqualTo(SpawnSettings.RANDOM.networkPort());
    }

    @Test
    void placingNeedsSpawn() {
        assertThatThrownBy(() -> SpawnSettings.of(null, null, "vnet_bench", false, List.of("routed"), Map.of()))
                .isInstanceOf(UsageError.class).hasMessageContaining("add --spawn");
    }

    @Test
    void scenariosWithClustersOfTheirOwnAreRefusedAndNamed() {
        assertThatThrownBy(() -> SpawnSettings.of(null, null, "vnet_bench", true,
                List.of("routed", "failover", "leader-kill"), Map.of()))
                .isInstanceOf(UsageError.class)
                .hasMessageStartingWith("failover, leader-kill start clusters of their own")
                .hasMessageContaining("separate 'bin/vnet bench --spawn'");
        assertThatThrownBy(() -> SpawnSettings.of(null, null, "vnet_bench", true, Bench.ALL, Map.of()))
                .hasMessageContaining("registry");
    }

    @Test
    void aTakenPortIsRefusedBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = free()) {
            assertThatThrownBy(() -> SpawnSettings.of(taken.getLocalPort(), null, null, true, List.of("routed"),
                    Map.of())).isInstanceOf(UsageError.class)
                    .hasMessageStartingWith("--network-port " + taken.getLocalPort() + ": the port is taken");
            assertThatThrownBy(() -> SpawnSettings.of(null, taken.getLocalPort(), null, true, List.of("direct"),
                    Map.of())).hasMessageStartingWith("--agent-port " + taken.getLocalPort());
        }
    }

    @Test
    void impossiblePortsAreRefused() {
        assertThatThrownBy(() -> SpawnSettings.of(70000, null, null, true, List.of("routed"), Map.of()))
                .hasMessageContaining("is not a TCP port");
        assertThatThrownBy(() -> SpawnSettings.of(40000, 40000, null, true, List.of("routed"), Map.of()))
                .hasMessageContaining("both 40000");
    }

    @Test
    void aDatabaseIsANameOnTheMachinesServerOrAUrl() {
        assertThat(SpawnSettings.DatabaseAddress.parse("vnet_bench"))
                .isEqualTo(new SpawnSettings.DatabaseAddress("127.0.0.1:5432", "vnet_bench"));
        assertThat(SpawnSettings.DatabaseAddress.parse("postgresql://db.example:6543/peer?sslmode=disable"))
                .isEqualTo(new SpawnSettings.DatabaseAddress("db.example:6543", "peer"));
        assertThat(SpawnSettings.DatabaseAddress.parse("jdbc:postgresql://localhost/bench"))
                .isEqualTo(new SpawnSettings.DatabaseAddress("localhost:5432", "bench"));
        assertThatThrownBy(() -> SpawnSettings.DatabaseAddress.parse("postgresql://localhost:5432/"))
                .isInstanceOf(UsageError.class).hasMessageContaining("needs a server and a database name");
    }

    @Test
    void anUnreachableDatabaseSaysWhereAndWhatToDo() throws Exception {
        int closed;
        try (ServerSocket socket = free()) {
            closed = socket.getLocalPort();
        }
        SpawnSettings settings = SpawnSettings.of(null, null, "postgresql://127.0.0.1:" + closed + "/vnet_bench",
                true, List.of("routed"), Map.of("VNET_DB_USER", "bench"));

        assertThatThrownBy(settings::openDatabase).isInstanceOf(UsageError.class)
                .hasMessageContaining("127.0.0.1:" + closed).hasMessageContaining("as user bench")
                .hasMessageContaining("start that server");
    }

    @Test
    void aDatabaseNameThatIsNoIdentifierIsRefused() {
        SpawnSettings settings = SpawnSettings.of(null, null, "bench; DROP", true, List.of("routed"), Map.of());

        assertThatThrownBy(settings::openDatabase).isInstanceOf(UsageError.class)
                .hasMessageContaining("not a plain PostgreSQL identifier");
    }

    private static ServerSocket free() throws Exception {
        return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }
}
