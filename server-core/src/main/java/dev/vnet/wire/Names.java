package dev.vnet.wire;

import java.util.Collection;

/**
 * The shapes of identifiers, kinds, labels and operation names that vnet accepts (see {@code types.proto}).
 *
 * <p>Each check answers {@code null} when the value is fine, else a message that names the field, shows the bad
 * value and says what is allowed, ready to be sent back to whoever sent it.
 */
public final class Names {

    public static final int MAX_KIND_LENGTH = 64;
    public static final int MAX_OPERATION_LENGTH = 128;
    /** The limits of the contract, which a network may tighten or loosen ({@code vnet.network.limits.*}). */
    public static final Names DEFAULT = new Names(128, 32, 128);


    private final int maxIdLength;
    private final int maxLabels;
    private final int maxLabelLength;

    public Names(int maxIdLength, int maxLabels, int maxLabelLength) {
        if (maxIdLength < 1 || maxLabels < 0 || maxLabelLength < 1) {
            throw new IllegalArgumentException("limits must be positive (max id length " + maxIdLength
                    + ", max labels " + maxLabels + ", max label length " + maxLabelLength + ")");
        }
        this.maxIdLength = maxIdLength;
        this.maxLabels = maxLabels;
        this.maxLabelLength = maxLabelLength;
    }

    /** An identifier that must be present: a container uuid, an agent id, a session id. */
    public String idProblem(String field, String value) {
        if (value == null || value.isEmpty()) {
            return field + " is required";
        }
        return optionalIdProblem(field, value);
    }

    /** An identifier that may be empty. */
    public String optionalIdProblem(String field, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > maxIdLength) {
            return field + " is " + value.length() + " characters long; the limit is " + maxIdLength;
        }
        if (!isId(value)) {
            return field + " '" + shorten(value) + "' has characters outside [A-Za-z0-9._:@-]";
        }
        return null;
    }

    public String kindProblem(String field, String value) {
        if (value == null || value.isEmpty()) {
            return field + " is required";
        }
        if (value.length() > MAX_KIND_LENGTH) {
            return field + " is " + value.length() + " characters long; the limit is " + MAX_KIND_LENGTH;
        }
        if (!isKind(value)) {
            return field + " '" + shorten(value) + "' must be lower-case letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit";
        }
        return null;
    }

    public String labelsProblem(String field, Collection<String> labels) {
        if (labels.size() > maxLabels) {
            return field + " has " + labels.size() + " labels; the limit is " + maxLabels;
        }
        for (String label : labels) {
            if (label.isEmpty()) {
                return field + " has an empty label";
            }
            if (label.length() > maxLabelLength) {
                return field + " has a label of " + label.length() + " characters; the limit is " + maxLabelLength;
            }
            if (!isVisibleAscii(label)) {
                return field + " label '" + shorten(label) + "' has white space or control characters";
            }
        }
        return null;
    }

    public String operationProblem(String field, String value) {
        if (value == null || value.isEmpty()) {
            return field + " is required";
        }
        if (value.length() > MAX_OPERATION_LENGTH) {
            return field + " is " + value.length() + " characters long; the limit is " + MAX_OPERATION_LENGTH;
        }
        if (!isVisibleAscii(value)) {
            return field + " '" + shorten(value) + "' has white space or control characters";
        }
        return null;
    }

    /** The first non-null problem, or null: lets edge code check several fields in one expression. */
    public static String first(String... problems) {
        for (String problem : problems) {
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    // The shapes below are checked a character at a time, not with regular expressions: every routed request has
    // its uuid and operation checked, and a matcher per check showed up in the coordinator's profile.

    /** [A-Za-z0-9._:@-]+ */
    private static boolean isId(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isAsciiLetterOrDigit(c) && c != '.' && c != '_' && c != ':' && c != '@' && c != '-') {
                return false;
            }
        }
        return !value.isEmpty();
    }

    /** [a-z0-9][a-z0-9._-]* */
    private static boolean isKind(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean lowerOrDigit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!lowerOrDigit && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
                return false;
            }
        }
        return !value.isEmpty();
    }

    /** Visible ASCII, '!' to '~': no white space, no control characters. */
    private static boolean isVisibleAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return !value.isEmpty();
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static String shorten(String value) {
        String printable = value.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }
}
