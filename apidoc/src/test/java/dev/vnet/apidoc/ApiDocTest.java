package dev.vnet.apidoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.vnet.apidoc.ProtoFile.EnumType;
import dev.vnet.apidoc.ProtoFile.Field;
import dev.vnet.apidoc.ProtoFile.Message;
import dev.vnet.apidoc.ProtoFile.Service;
import dev.vnet.proto.v1.AdminProto;
import dev.vnet.proto.v1.AgentChannelProto;
import dev.vnet.proto.v1.AgentProto;
import dev.vnet.proto.v1.NetworkProto;
import dev.vnet.proto.v1.TypesProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/API.md is what the {@code .proto} files say, as the descriptor set in the proto jar has them: every service,
 * RPC, message, field and enum value read from it is compared with the descriptors compiled into the generated
 * classes. And every one of them has a comment: the contract documents itself.
 */
class ApiDocTest {

    /** Every file of the contract, as protoc compiled it. A new .proto file must be added here. */
    private static final List<FileDescriptor> COMPILED = List.of(AdminProto.getDescriptor(),
            AgentProto.getDescriptor(), AgentChannelProto.getDescriptor(), NetworkProto.getDescriptor(),
            TypesProto.getDescriptor());

    private final Path root = Path.of(System.getProperty("vnet.root", "..")).toAbsolutePath().normalize();
    private final List<ProtoFile> parsed = ApiDoc.read();

    @Test
    void theCommittedReferenceIsWhatTheProtoFilesSay() throws IOException {
        Path committed = root.resolve(ApiDoc.OUTPUT);
        String expected = ApiDoc.render(parsed);
        String actual = Files.isRegularFile(committed) ? Files.readString(committed, StandardCharsets.UTF_8) : "";

        if (!actual.equals(expected)) {
            fail("docs/API.md is stale: run `" + ApiDoc.COMMAND + "` from the repository root and commit the result."
                    + firstDifference(expected, actual));
        }
    }

    @Test
    void everyPartOfTheContractHasAComment() {
        assertThat(ApiDoc.bare(parsed))
                .as("services, RPCs, messages, fields, enums and enum values of the contract without a comment: "
                        + "document each right above it (meaning, units, limits, what empty or 0 means)")
                .isEmpty();
    }

    @Test
    void bareNamesEveryPartWithoutAComment() {
        ProtoFile file = ApiMarkdownTest.sample("sample/v1/sample.proto");

        assertThat(ApiDoc.bare(List.of(file))).containsExactly("service Quiet", "rpc Quiet.Ask",
                "field Question.text", "field Question.topic", "message Answer", "value Mood.MOOD_UNSPECIFIED",
                "enum Tone");
        assertThat(ApiDoc.undocumented(List.of(file))).startsWith("without a comment: 1 of 1 services, 1 of 2 RPCs, "
                + "1 of 2 messages, 2 of 4 fields, 1 of 2 enums, 1 of 3 enum values\n  service Quiet\n");
    }

    @Test
    void theReaderFindsWhatProtocCompiled() {
        Map<String, ProtoFile> byPath = parsed.stream().collect(Collectors.toMap(ProtoFile::path, Function.identity()));
        assertThat(byPath.keySet()).as("the .proto files, against the descriptors this test knows")
                .containsExactlyInAnyOrderElementsOf(COMPILED.stream().map(FileDescriptor::getName).toList());

        for (FileDescriptor compiled : COMPILED) {
            ProtoFile file = byPath.get(compiled.getName());
            assertThat(file.packageName()).isEqualTo(compiled.getPackage());
            assertThat(file.imports()).containsExactlyElementsOf(
                    compiled.getDependencies().stream().map(FileDescriptor::getName).toList());
            assertThat(file.services()).hasSameSizeAs(compiled.getServices());
            for (int i = 0; i < compiled.getServices().size(); i++) {
                sameService(file.services().get(i), compiled.getServices().get(i));
            }
            assertThat(file.messages()).extracting(Message::name)
                    .containsExactlyElementsOf(compiled.getMessageTypes().stream().map(Descriptor::getName).toList());
            for (int i = 0; i < compiled.getMessageTypes().size(); i++) {
                sameMessage(file.messages().get(i), compiled.getMessageTypes().get(i));
            }
            assertThat(file.enums()).extracting(EnumType::name)
                    .containsExactlyElementsOf(compiled.getEnumTypes().stream().map(EnumDescriptor::getName).toList());
            for (int i = 0; i < compiled.getEnumTypes().size(); i++) {
                EnumDescriptor enumType = compiled.getEnumTypes().get(i);
                assertThat(file.enums().get(i).values()).extracting(v -> v.name() + "=" + v.number())
                        .as(enumType.getFullName()).containsExactlyElementsOf(
                                enumType.getValues().stream().map(v -> v.getName() + "=" + v.getNumber()).toList());
            }
        }
    }

    private static void sameService(Service service, ServiceDescriptor compiled) {
        assertThat(service.name()).isEqualTo(compiled.getName());
        assertThat(service.rpcs()).extracting(r -> (r.requestStream() ? "stream " : "") + simple(r.requestType())
                        + " -> " + (r.responseStream() ? "stream " : "") + simple(r.responseType()) + " " + r.name())
                .as(compiled.getFullName())
                .containsExactlyElementsOf(compiled.getMethods().stream().map(ApiDocTest::signature).toList());
    }

    private static String signature(MethodDescriptor method) {
        return (method.isClientStreaming() ? "stream " : "") + method.getInputType().getName() + " -> "
                + (method.isServerStreaming() ? "stream " : "") + method.getOutputType().getName() + " "
                + method.getName();
    }

    private static void sameMessage(Message message, Descriptor compiled) {
        assertThat(message.fields()).extracting(ApiDocTest::describe).as(compiled.getFullName())
                .containsExactlyElementsOf(compiled.getFields().stream().map(ApiDocTest::describe).toList());
        assertThat(message.oneofs()).extracting(o -> o.name() + o.fields()).as(compiled.getFullName())
                .containsExactlyElementsOf(compiled.getRealOneofs().stream().map(ApiDocTest::describe).toList());
    }

    private static String describe(Field field) {
        return field.number() + " " + field.label() + " " + simple(field.type()) + " " + field.name() + " oneof:"
                + field.oneof();
    }

    private static String describe(FieldDescriptor field) {
        String label = field.isMapField() ? "" : field.isRepeated() ? "repeated"
                : field.toProto().getProto3Optional() ? "optional" : "";
        String type = field.isMapField() ? "map<" + typeName(field.getMessageType().findFieldByName("key")) + ", "
                + typeName(field.getMessageType().findFieldByName("value")) + ">" : typeName(field);
        OneofDescriptor oneof = field.getRealContainingOneof();
        return field.getNumber() + " " + label + " " + type + " " + field.getName() + " oneof:"
                + (oneof == null ? "" : oneof.getName());
    }

    private static String typeName(FieldDescriptor field) {
        return switch (field.getType()) {
            case MESSAGE -> field.getMessageType().getName();
            case ENUM -> field.getEnumType().getName();
            default -> field.getType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String describe(OneofDescriptor oneof) {
        return oneof.getName() + oneof.getFields().stream().map(FieldDescriptor::getName).toList();
    }

    /** A type as written, with package qualifiers dropped: {@code vnet.v1.Payload} and {@code Payload} are one. */
    private static String simple(String type) {
        return type.replaceAll("[\\w.]*\\.(\\w+)", "$1");
    }

    /** Where the two texts part, so the failure shows what changed without a diff tool. */
    private static String firstDifference(String expected, String actual) {
        String[] want = expected.split("\n", -1);
        String[] have = actual.split("\n", -1);
        for (int i = 0; i < Math.max(want.length, have.length); i++) {
            String w = i < want.length ? want[i] : "(end of file)";
            String h = i < have.length ? have[i] : "(end of file)";
            if (!w.equals(h)) {
                return "\nFirst difference at line " + (i + 1) + ":\n  generated: " + w + "\n  committed: " + h;
            }
        }
        return "";
    }
}
