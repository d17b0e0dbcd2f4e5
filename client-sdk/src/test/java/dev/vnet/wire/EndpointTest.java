package dev.vnet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void parsesHostAndPortListsAndIpv6() {
        assertThat(Endpoint.parseList(" a:1, b:2 ,")).containsExactly(new Endpoint("a", 1), new Endpoint("b", 2));
        assertThat(Endpoint.parse("[::1]:3737")).isEqualTo(new Endpoint("::1", 3737));
        assertThat(new Endpoint("::1", 3737)).hasToString("[::1]:3737");
    }

    @Test
    void explainsWhatIsWrong() {
        assertThatThrownBy(() -> Endpoint.parse("localhost")).hasMessageContaining("write host:port");
        assertThatThrownBy(() -> Endpoint.parse("h:port")).hasMessageContaining("no numeric port");
        assertThatThrownBy(() -> Endpoint.parse("h:70000")).hasMessageContaining("not between 1 and 65535");
        assertThatThrownBy(() -> Endpoint.parseList(" , ")).hasMessageContaining("no endpoint given");
    }
}
