package dev.vnet.cli;

import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults of the shared options from the environment ({@code VNET_NETWORK}, {@code VNET_TOKEN}, ...). An empty
 * variable counts as unset, as in {@code bin/vnet}: {@code VNET_TOKEN=} means no token, not an empty one.
 */
final class EnvDefaults implements IDefaultValueProvider {

    /** The default endpoint when neither {@code --network} nor {@code VNET_NETWORK} says one. */
    static final String LOCAL_NETWORK = "127.0.0.1:3737";

    private static final Map<String, String> VARIABLES = Map.of("--network", "VNET_NETWORK", "--token", "VNET_TOKEN",
            "--ca", "VNET_CA_FILE", "--cert", "VNET_CERT_FILE", "--key", "VNET_KEY_FILE");

    private final Map<String, String> environment;

    EnvDefaults(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option)) {
            return null;
        }
        String variable = VARIABLES.get(option.longestName());
        if (variable == null) {
            return null;
        }
        String value = environment.get(variable);
        if (value != null && !value.isBlank()) {
            return value;
        }
        return variable.equals("VNET_NETWORK") ? LOCAL_NETWORK : null;
    }
}
