package dev.vnet.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class EmptyVariablesUnsetTest {

    @ConfigMapping(prefix = "vnet.sample")
    interface Sample {
        @WithDefault("7")
        int count();

        Optional<String> token();
    }

    private static SmallRyeConfig configWith(Map<String, String> environment) {
        return new SmallRyeConfigBuilder().addDefaultSources().withMapping(Sample.class)
                .withCustomizers(new EmptyVariablesUnset(environment)).build();
    }

    @Test
    void anEmptyVnetVariableLeavesTheDefaultInPlace() {
        Sample sample = configWith(Map.of("VNET_SAMPLE_COUNT", "", "VNET_SAMPLE_TOKEN", ""))
                .getConfigMapping(Sample.class);

        assertThat(sample.count()).isEqualTo(7);
        assertThat(sample.token()).isEmpty();
    }

    @Test
    void aSetVnetVariableStillWins() {
        Sample sample = configWith(Map.of("VNET_SAMPLE_COUNT", "3", "VNET_SAMPLE_TOKEN", "secret"))
                .getConfigMapping(Sample.class);

        assertThat(sample.count()).isEqualTo(3);
        assertThat(sample.token()).contains("secret");
    }

    @Test
    void onlyVnetVariablesAreFiltered() {
        assertThat(EmptyVariablesUnset.withoutEmptyVnetVariables(Map.of("VNET_A", "", "VNET_B", "b", "OTHER", "")))
                .containsOnly(Map.entry("VNET_B", "b"), Map.entry("OTHER", ""));
    }
}
