package dev.vnet.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** How commands print: aligned tables for people, JSON (the proto's canonical mapping) for scripts. */
final class Output {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final PrintWriter out;

    Output(PrintWriter out) {
        this.out = out;
    }

    /** A table, or, when there are no rows, one line that says what is empty and why. */
    void table(List<String> headers, List<List<String>> rows, String whenEmpty) {
        if (rows.isEmpty()) {
            line(whenEmpty);
        } else {
            table(headers, rows);
        }
    }

    void table(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    /** One JSON array of messages. */
    void jsonArray(List<? extends MessageOrBuilder> messages) {
        out.println(messages.stream().map(Output::json).collect(Collectors.joining(",\n  ", "[\n  ", "\n]"))
                .replace("[\n  \n]", "[]"));
        out.flush();
    }

    /** One message as one line of JSON. */
    void jsonLine(MessageOrBuilder message) {
        out.println(json(message));
        out.flush();
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    static String json(MessageOrBuilder message) {
        try {
            return JSON.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Short, readable enum names: CONTAINER_TYPE_STANDARD becomes "standard". */
    static String name(Enum<?> value, String prefix) {
        String name = value.name();
        return (name.startsWith(prefix) ? name.substring(prefix.length()) : name).toLowerCase();
    }

    /** An activation epoch as leader epoch and activation number: 12884901890 reads "3.2". */
    static String epoch(long epoch) {
        return (epoch >>> 32) + "." + (epoch & 0xFFFF_FFFFL);
    }

    static String age(long atMillis) {
        if (atMillis <= 0) {
            return "-";
        }
        long seconds = Math.max(0, (System.currentTimeMillis() - atMillis) / 1000);
        return seconds < 120 ? seconds + "s ago" : Instant.ofEpochMilli(atMillis).toString();
    }
}
