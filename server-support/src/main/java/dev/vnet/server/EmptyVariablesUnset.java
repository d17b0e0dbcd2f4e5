package dev.vnet.server;

import io.smallrye.config.DotEnvConfigSourceProvider;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigBuilderCustomizer;
import io.smallrye.config.SysPropConfigSource;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Makes an empty {@code VNET_*} environment variable count as unset in both Quarkus applications, however they are
 * started ({@code bin/vnet}, the images, or a bare {@code java -jar}).
 *
 * <p>Why: a deployment template often writes {@code VNET_TOKEN=} or {@code VNET_DB_PASSWORD=} for a setting it does
 * not use. SmallRye Config would take that empty value over the setting's default and then refuse it as missing
 * ({@code SRCFG00040}), or hand an empty token on. Interceptors cannot fall through to a lower source for one name,
 * so this replaces the environment source itself with one that leaves the empty {@code VNET_*} variables out; the
 * other default sources stay as SmallRye Config adds them. Registered through
 * {@code META-INF/services/io.smallrye.config.SmallRyeConfigBuilderCustomizer}.
 */
public final class EmptyVariablesUnset implements SmallRyeConfigBuilderCustomizer {

    private static final String PREFIX = "VNET_";

    private final Map<String, String> environment;

    public EmptyVariablesUnset() {
        this(System.getenv());
    }

    EmptyVariablesUnset(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public void configBuilder(SmallRyeConfigBuilder builder) {
        boolean defaults = builder.isAddDefaultSources();
        if (!defaults && !builder.isAddSystemSources()) {
            return; // a builder that chose its own sources (tests) keeps them
        }
        builder.setAddDefaultSources(false).setAddSystemSources(false);
        if (defaults) {
            builder.addPropertiesSources();
        }
        // What SmallRye Config's system sources are, with the environment filtered.
        builder.withSources(new SysPropConfigSource(),
                new EnvConfigSource(withoutEmptyVnetVariables(environment), EnvConfigSource.ORDINAL));
        builder.withSources(new DotEnvConfigSourceProvider()
                .getConfigSources(Thread.currentThread().getContextClassLoader()));
    }

    /** Runs after the customizers that may ask for the default sources, so that their choice is what it replaces. */
    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    static Map<String, String> withoutEmptyVnetVariables(Map<String, String> environment) {
        return environment.entrySet().stream()
                .filter(variable -> !(variable.getKey().startsWith(PREFIX) && variable.getValue().isEmpty()))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
