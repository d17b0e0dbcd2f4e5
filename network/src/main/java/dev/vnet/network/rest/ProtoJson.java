package dev.vnet.network.rest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.util.List;

/**
 * Messages as the HTTP API writes them: the proto's canonical JSON mapping (lowerCamelCase fields, enum names,
 * 64-bit integers as strings), every field present even when it holds its default, so a page never guesses.
 */
public final class ProtoJson {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().alwaysPrintFieldsWithNoPresence()
            .omittingInsignificantWhitespace();

    private ProtoJson() {}

    public static String of(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            // Only Any fields with unknown types fail, and vnet's messages have none.
            throw new IllegalStateException("cannot write " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A JSON array of messages. */
    public static String array(List<? extends MessageOrBuilder> messages) {
        StringBuilder json = new StringBuilder(messages.size() * 256 + 2).append('[');
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(of(messages.get(i)));
        }
        return json.append(']').toString();
    }
}
