package dev.vnet.apidoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the reader refuses, and how protoc's comment text becomes lines. */
class ProtoDescriptorsTest {

    private static final FileDescriptorProto FILE = FileDescriptorProto.newBuilder().setName("x/x.proto")
            .setSyntax("proto3").addMessageType(DescriptorProto.newBuilder().setName("M")
                    .addField(FieldDescriptorProto.newBuilder().setName("f").setNumber(1)
                            .setType(FieldDescriptorProto.Type.TYPE_STRING)))
            .build();

    @Test
    void aCommentInsideAMessageThatDocumentsNothingIsRefused() {
        FileDescriptorProto lost = FILE.toBuilder().setSourceCodeInfo(SourceCodeInfo.newBuilder()
                .addLocation(Location.newBuilder().addAllPath(List.of(4, 0, 2, 0)).addAllSpan(List.of(4, 2, 15))
                        .addLeadingDetachedComments(" Lost.\n"))).build();

        assertThatThrownBy(() -> ProtoDescriptors.read(FileDescriptorSet.newBuilder().addFile(lost).build()))
                .hasMessageStartingWith("x/x.proto:5: the comment above this line documents nothing");
    }

    @Test
    void aDescriptorSetWithoutSourceInfoIsRefused() {
        assertThatThrownBy(() -> ProtoDescriptors.read(FileDescriptorSet.newBuilder().addFile(FILE).build()))
                .hasMessageContaining("--include_source_info");
    }

    @Test
    void commentLinesLoseOneSpaceAndKeepTheirIndentation() {
        assertThat(ProtoDescriptors.comment(" A list:\n - one\n   more\n\n Done.\n").lines())
                .containsExactly("A list:", "- one", "  more", "", "Done.");
        assertThat(ProtoDescriptors.comment("").isEmpty()).isTrue();
    }
}
