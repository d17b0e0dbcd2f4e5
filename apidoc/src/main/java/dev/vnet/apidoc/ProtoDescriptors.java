package dev.vnet.apidoc;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import dev.vnet.apidoc.ProtoFile.Comment;
import dev.vnet.apidoc.ProtoFile.Element;
import dev.vnet.apidoc.ProtoFile.EnumType;
import dev.vnet.apidoc.ProtoFile.EnumValue;
import dev.vnet.apidoc.ProtoFile.Field;
import dev.vnet.apidoc.ProtoFile.Message;
import dev.vnet.apidoc.ProtoFile.Oneof;
import dev.vnet.apidoc.ProtoFile.Rpc;
import dev.vnet.apidoc.ProtoFile.Section;
import dev.vnet.apidoc.ProtoFile.Service;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code .proto} files as protoc compiled them: a descriptor set written with source info ({@code protoc
 * --descriptor_set_out --include_source_info}), which keeps every declaration with its comments and where it
 * stands in its file. protoc gives each declaration the comment right above it (leading), the one after it on its
 * line (trailing), and those above that a blank line separates from it (detached): between top-level declarations
 * these are section headings; inside a service, message or enum such a comment documents nothing and is refused.
 */
final class ProtoDescriptors {

    // Field numbers of FileDescriptorProto, DescriptorProto, ... : the paths of SourceCodeInfo locations.
    private static final int FILE_PACKAGE = 2;
    private static final int FILE_DEPENDENCY = 3;
    private static final int FILE_MESSAGE = 4;
    private static final int FILE_ENUM = 5;
    private static final int FILE_SERVICE = 6;
    private static final int FILE_OPTIONS = 8;
    private static final int FILE_SYNTAX = 12;
    private static final int MESSAGE_FIELD = 2;
    private static final int MESSAGE_ONEOF = 8;
    private static final int ENUM_VALUE = 2;
    private static final int SERVICE_METHOD = 2;

    private final FileDescriptorProto file;
    private final Map<List<Integer>, Location> locations = new HashMap<>();

    private ProtoDescriptors(FileDescriptorProto file) {
        this.file = file;
        if (!file.hasSourceCodeInfo()) {
            throw new IllegalArgumentException(file.getName() + " has no source info: the descriptor set must be "
                    + "written with protoc's --include_source_info");
        }
        for (Location location : file.getSourceCodeInfo().getLocationList()) {
            // A path is recorded more than once only for options; the first location is the whole statement.
            locations.putIfAbsent(location.getPathList(), location);
        }
    }

    /** Every file of the set, in path order. */
    static List<ProtoFile> read(FileDescriptorSet set) {
        return set.getFileList().stream().sorted(Comparator.comparing(FileDescriptorProto::getName))
                .map(file -> new ProtoDescriptors(file).file()).toList();
    }

    private ProtoFile file() {
        refuseCommentsThatDocumentNothing();
        // The file's own comment is the one on top, before `syntax`: detached from it or not.
        Location syntax = locations.get(List.of(FILE_SYNTAX));
        Comment fileComment = Comment.NONE;
        if (syntax != null) {
            for (String detached : syntax.getLeadingDetachedCommentsList()) {
                fileComment = fileComment.plus(comment(detached));
            }
            fileComment = fileComment.plus(comment(syntax.getLeadingComments()));
        }
        List<Statement> statements = new ArrayList<>();
        statement(statements, List.of(FILE_PACKAGE), null);
        for (int i = 0; i < file.getDependencyCount(); i++) {
            statement(statements, List.of(FILE_DEPENDENCY, i), null);
        }
        statement(statements, List.of(FILE_OPTIONS), null);
        for (int i = 0; i < file.getServiceCount(); i++) {
            statement(statements, List.of(FILE_SERVICE, i), service(file.getService(i), List.of(FILE_SERVICE, i)));
        }
        for (int i = 0; i < file.getMessageTypeCount(); i++) {
            statement(statements, List.of(FILE_MESSAGE, i), message(file.getMessageType(i), List.of(FILE_MESSAGE, i)));
        }
        for (int i = 0; i < file.getEnumTypeCount(); i++) {
            statement(statements, List.of(FILE_ENUM, i), enumType(file.getEnumType(i), List.of(FILE_ENUM, i)));
        }
        statements.sort(Comparator.comparingInt(Statement::line).thenComparingInt(Statement::column));
        List<Element> elements = new ArrayList<>();
        for (Statement statement : statements) {
            statement.sections().forEach(section -> elements.add(new Section(comment(section))));
            if (statement.element() != null) {
                elements.add(statement.element());
            }
        }
        return new ProtoFile(file.getName(), file.getPackage(), file.getDependencyList(), fileComment, elements);
    }

    /** A top-level statement where it stands, with the section headings above it. */
    private record Statement(int line, int column, List<String> sections, Element element) {}

    /** Adds every statement recorded at {@code path} (several for options: one per {@code option} line). */
    private void statement(List<Statement> statements, List<Integer> path, Element element) {
        for (Location location : file.getSourceCodeInfo().getLocationList()) {
            if (location.getPathList().equals(path)) {
                statements.add(new Statement(location.getSpan(0), location.getSpan(1),
                        location.getLeadingDetachedCommentsList(), element));
                if (element != null) {
                    return;
                }
            }
        }
    }

    private Service service(ServiceDescriptorProto service, List<Integer> path) {
        List<Rpc> rpcs = new ArrayList<>();
        for (int i = 0; i < service.getMethodCount(); i++) {
            MethodDescriptorProto method = service.getMethod(i);
            rpcs.add(new Rpc(method.getName(), documentation(path, SERVICE_METHOD, i), type(method.getInputType()),
                    method.getClientStreaming(), type(method.getOutputType()), method.getServerStreaming()));
        }
        return new Service(service.getName(), documentation(path), rpcs);
    }

    private Message message(DescriptorProto message, List<Integer> path) {
        Map<String, DescriptorProto> mapEntries = new HashMap<>();
        for (DescriptorProto nested : message.getNestedTypeList()) {
            if (!nested.getOptions().getMapEntry()) {
                throw new IllegalArgumentException(file.getName() + ": " + message.getName() + "." + nested.getName()
                        + " is nested, which the reference does not show: declare it at the top level");
            }
            mapEntries.put(nested.getName(), nested);
        }
        if (message.getEnumTypeCount() > 0) {
            throw new IllegalArgumentException(file.getName() + ": " + message.getName() + " declares an enum, which "
                    + "the reference does not show: declare it at the top level");
        }
        List<Field> fields = new ArrayList<>();
        List<List<String>> oneofMembers = new ArrayList<>();
        message.getOneofDeclList().forEach(oneof -> oneofMembers.add(new ArrayList<>()));
        for (int i = 0; i < message.getFieldCount(); i++) {
            FieldDescriptorProto field = message.getField(i);
            String oneof = "";
            if (field.hasOneofIndex() && !field.getProto3Optional()) {
                oneof = message.getOneofDecl(field.getOneofIndex()).getName();
                oneofMembers.get(field.getOneofIndex()).add(field.getName());
            }
            DescriptorProto mapEntry = mapEntries.get(simpleName(field.getTypeName()));
            String label = mapEntry != null ? ""
                    : field.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED ? "repeated"
                    : field.getProto3Optional() ? "optional" : "";
            String type = mapEntry != null
                    ? "map<" + type(mapEntry.getField(0)) + ", " + type(mapEntry.getField(1)) + ">" : type(field);
            fields.add(new Field(field.getName(), type, field.getNumber(), label, oneof,
                    documentation(path, MESSAGE_FIELD, i)));
        }
        List<Oneof> oneofs = new ArrayList<>();
        for (int i = 0; i < message.getOneofDeclCount(); i++) {
            OneofDescriptorProto oneof = message.getOneofDecl(i);
            // A proto3 `optional` field sits in a oneof of its own that the source does not declare.
            if (!oneofMembers.get(i).isEmpty()) {
                oneofs.add(new Oneof(oneof.getName(), documentation(path, MESSAGE_ONEOF, i), oneofMembers.get(i)));
            }
        }
        return new Message(message.getName(), documentation(path), fields, oneofs);
    }

    private EnumType enumType(EnumDescriptorProto enumType, List<Integer> path) {
        List<EnumValue> values = new ArrayList<>();
        for (int i = 0; i < enumType.getValueCount(); i++) {
            EnumValueDescriptorProto value = enumType.getValue(i);
            values.add(new EnumValue(value.getName(), value.getNumber(), documentation(path, ENUM_VALUE, i)));
        }
        return new EnumType(enumType.getName(), documentation(path), values);
    }

    /** A scalar's name ({@code uint64}), or a message or enum named as in its file: without this package. */
    private String type(FieldDescriptorProto field) {
        return switch (field.getType()) {
            case TYPE_MESSAGE, TYPE_ENUM, TYPE_GROUP -> type(field.getTypeName());
            default -> field.getType().name().substring("TYPE_".length()).toLowerCase(Locale.ROOT);
        };
    }

    private String type(String qualified) {
        String local = "." + file.getPackage() + ".";
        return qualified.startsWith(local) ? qualified.substring(local.length()) : qualified.substring(1);
    }

    private static String simpleName(String qualified) {
        return qualified.substring(qualified.lastIndexOf('.') + 1);
    }

    /** The comment above a declaration, then the one after it on its line. */
    private Comment documentation(List<Integer> path, int... more) {
        List<Integer> full = new ArrayList<>(path);
        Arrays.stream(more).forEach(full::add);
        Location location = locations.get(full);
        if (location == null) {
            return Comment.NONE;
        }
        return comment(location.getLeadingComments()).plus(comment(location.getTrailingComments()));
    }

    /**
     * Inside a service, message or enum every comment must document something: one that a blank line separates
     * from what follows would be lost.
     */
    private void refuseCommentsThatDocumentNothing() {
        for (Location location : file.getSourceCodeInfo().getLocationList()) {
            if (location.getPathCount() > 2 && location.getLeadingDetachedCommentsCount() > 0) {
                throw new IllegalArgumentException(file.getName() + ":" + (location.getSpan(0) + 1) + ": the comment "
                        + "above this line documents nothing (a blank line follows it): put it right above what it "
                        + "documents, or remove the blank line");
            }
        }
    }

    /**
     * protoc's text of a comment: each line without {@code //}, ending in a line break. Lines lose the one space
     * after {@code //}; further indentation is kept.
     */
    static Comment comment(String text) {
        if (text.isEmpty()) {
            return Comment.NONE;
        }
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            lines.add(line.startsWith(" ") ? line.substring(1) : line);
        }
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return new Comment(lines);
    }
}
