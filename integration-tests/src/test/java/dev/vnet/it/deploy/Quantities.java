package dev.vnet.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the numbers Kubernetes writes as strings: resource quantities ({@code 250m}, {@code 1Gi}) and the
 * int-or-percent values of a rolling update ({@code 1}, {@code 25%}), the way the API server would.
 */
final class Quantities {

    private static final Pattern QUANTITY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?");
    private static final Pattern PERCENT = Pattern.compile("([0-9]+)%");
    private static final Map<String, BigDecimal> SUFFIXES = Map.of(
            "m", new BigDecimal("0.001"),
            "k", BigDecimal.valueOf(1_000L), "M", BigDecimal.valueOf(1_000_000L),
            "G", BigDecimal.valueOf(1_000_000_000L), "T", BigDecimal.valueOf(1_000_000_000_000L),
            "Ki", BigDecimal.valueOf(1L << 10), "Mi", BigDecimal.valueOf(1L << 20),
            "Gi", BigDecimal.valueOf(1L << 30), "Ti", BigDecimal.valueOf(1L << 40));

    private Quantities() {
    }

    /** A resource quantity in its base unit (cores, bytes). */
    static BigDecimal quantity(JsonNode value) {
        Matcher matcher = QUANTITY.matcher(value.asText());
        if (value.isMissingNode() || !matcher.matches()) {
            throw new AssertionError("not a Kubernetes quantity: " + value);
        }
        BigDecimal number = new BigDecimal(matcher.group(1));
        return matcher.group(2) == null ? number : number.multiply(SUFFIXES.get(matcher.group(2)));
    }

    /**
     * An int-or-percent of a rolling update as a number of pods out of {@code replicas}: maxSurge rounds up,
     * maxUnavailable down. The API server takes a string only as a percentage, so "1" is an error here too.
     */
    static int pods(JsonNode value, int replicas, boolean roundUp) {
        if (value.isInt()) {
            return value.asInt();
        }
        Matcher percent = PERCENT.matcher(value.asText());
        if (!value.isTextual() || !percent.matches()) {
            throw new AssertionError("not an integer or a percentage (Kubernetes would refuse it): " + value);
        }
        int hundredths = Integer.parseInt(percent.group(1)) * replicas;
        return roundUp ? (hundredths + 99) / 100 : hundredths / 100;
    }
}
