package dev.vnet.apidoc;

import java.util.List;

/**
 * One parsed {@code .proto} file: what it declares, in the order written, with the comment that documents each
 * part. Only what the API reference shows is kept (no options, no reserved numbers).
 *
 * @param path the file's import path, e.g. {@code vnet/v1/network.proto}
 * @param elements services, messages, enums and section headings, in file order
 */
public record ProtoFile(String path, String packageName, List<String> imports, Comment comment,
        List<Element> elements) {

    public ProtoFile {
        imports = List.copyOf(imports);
        elements = List.copyOf(elements);
    }

    /** The file's name without its folders, e.g. {@code network.proto}. */
    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public List<Service> services() {
        return elements.stream().filter(Service.class::isInstance).map(Service.class::cast).toList();
    }

    public List<Message> messages() {
        return elements.stream().filter(Message.class::isInstance).map(Message.class::cast).toList();
    }

    public List<EnumType> enums() {
        return elements.stream().filter(EnumType.class::isInstance).map(EnumType.class::cast).toList();
    }

    /** A top-level part of a file. */
    public sealed interface Element permits Service, Message, EnumType, Section {}

    /** Comment lines as written, without {@code //} and the one space after it; further indentation is kept. */
    public record Comment(List<String> lines) {
        public static final Comment NONE = new Comment(List.of());

        public Comment {
            lines = List.copyOf(lines);
        }

        public boolean isEmpty() {
            return lines.stream().allMatch(String::isBlank);
        }

        /** This comment followed by another (a blank line between), for a leading and a trailing comment. */
        public Comment plus(Comment more) {
            if (more.isEmpty()) {
                return this;
            }
            if (isEmpty()) {
                return more;
            }
            List<String> joined = new java.util.ArrayList<>(lines);
            joined.add("");
            joined.addAll(more.lines);
            return new Comment(joined);
        }
    }

    public record Service(String name, Comment comment, List<Rpc> rpcs) implements Element {
        public Service {
            rpcs = List.copyOf(rpcs);
        }
    }

    public record Rpc(String name, Comment comment, String requestType, boolean requestStream, String responseType,
            boolean responseStream) {}

    public record Message(String name, Comment comment, List<Field> fields, List<Oneof> oneofs) implements Element {
        public Message {
            fields = List.copyOf(fields);
            oneofs = List.copyOf(oneofs);
        }
    }

    /**
     * @param type as written: a scalar ({@code uint64}), a message or enum name, or {@code map<K, V>}
     * @param label {@code repeated}, {@code optional} or empty
     * @param oneof the oneof the field belongs to, or empty
     */
    public record Field(String name, String type, int number, String label, String oneof, Comment comment) {}

    /** A oneof and its fields' names, in order: at most one of them is set. */
    public record Oneof(String name, Comment comment, List<String> fields) {
        public Oneof {
            fields = List.copyOf(fields);
        }
    }

    public record EnumType(String name, Comment comment, List<EnumValue> values) implements Element {
        public EnumType {
            values = List.copyOf(values);
        }
    }

    public record EnumValue(String name, int number, Comment comment) {}

    /**
     * A comment standing alone between top-level declarations (a blank line after it), such as
     * {@code // ---- containers ----}: it titles what follows.
     */
    public record Section(Comment comment) implements Element {}
}
