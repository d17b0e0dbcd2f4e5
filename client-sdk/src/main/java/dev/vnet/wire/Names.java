package dev.vnet.wire;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * The shapes of identifiers, kinds, labels and operation names that vnet accepts (see {@code types.proto}).
 *
 * <p>Each check answers {@code null} when the value is fine, else a message that names the field, shows the bad
 * value and says what is allowed, ready to be sent back to whoever sent it.
 */
public final class Names {

    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_KIND_LENGTH = 64;
    public static final int MAX_LABELS = 32;
    public static final int MAX_LABEL_LENGTH = 128;
    public static final int MAX_OPERATION_LENGTH = 128;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]+");
    private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern LABEL = Pattern.compile("\\p{Graph}+");

    private Names() {}

    /** An identifier that must be present: a container uuid, an agent id, a session id. */
    public static String idProblem(String field, String value) {
        if (value == null || value.isEmpty()) {
            return field + " is required";
        }
        return optionalIdProblem(field, value);
    }

    /** An identifier that may be empty. */
    public static String optionalIdProblem(String field, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_ID_LENGTH) {
            return field + " is " + value.length() + " characters long; the limit is " + MAX_ID_LENGTH;
        }
        if (!ID.matcher(value).matches()) {
            return field + " '" + shorten(value) + "' has characters outside [A-Za-z0-9._:@-]";
        }
        return null;
    }

    public static String kindProblem(String field, String value) {
        if (value == null || value.isEmpty()) {
            return field + " is required";
        }
        if (value.length() > MAX_KIND_LENGTH) {
            return field + " is " + value.length() + " characters long; the limit is " + MAX_KIND_LENGTH;
        }
        if (!KIND.matcher(value).matches()) {
            return field + " '" + shorten(value) + "' must be lower-case letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit";
        }
        return null;
    }

    public static String labelsProblem(String field, Collection<String> labels) {
        if (labels.size() > MAX_LABELS) {
            return field + " has " + labels.size() + " labels; the limit is " + MAX_LABELS;
        }
        for (String label : labels) {
            if (label.isEmpty()) {
                return field + " has an empty label";
            }
            if (label.length() > MAX_LABEL_LENGTH) {
                return field + " has a label of " + label.length() + " characters; the limit is " + MAX_LABEL_LENGTH;
            }
            if (!LABEL.matcher(label).matches()) {
                return field + " label '" + shorten(label) + "' has white space or control characters";
            }
        }
        return null;
    }

    public static String operationProblem(String field, String value) {
        if (value == null || value.isEmpty()) {
            return field + " is required";
        }
        if (value.length() > MAX_OPERATION_LENGTH) {
            return field + " is " + value.length() + " characters long; the limit is " + MAX_OPERATION_LENGTH;
        }
        if (!LABEL.matcher(value).matches()) {
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

    private static String shorten(String value) {
        String printable = value.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }
}
