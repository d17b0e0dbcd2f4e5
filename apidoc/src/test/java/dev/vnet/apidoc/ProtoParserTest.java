package dev.vnet.apidoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vnet.apidoc.ProtoFile.Comment;
import dev.vnet.apidoc.ProtoFile.EnumType;
import dev.vnet.apidoc.ProtoFile.Field;
import dev.vnet.apidoc.ProtoFile.Message;
import dev.vnet.apidoc.ProtoFile.Rpc;
import dev.vnet.apidoc.ProtoFile.Section;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which comment documents what, and what the parser refuses, on small hand-written files. */
class ProtoParserTest {

    private static final String SAMPLE = """
            // The file's comment.
            //
            // - first point
            //   continued
            syntax = "proto3";

            package demo.v1;

            import "demo/v1/other.proto";

            option java_multiple_files = true;

            // Does things.
            service Demo {
              // Streams things.
              rpc Watch(WatchRequest) returns (stream Thing);
              rpc Bare(stream Thing) returns (Thing) {
                option deprecated = true;
              }
            }

            // ---- things ----

            // One thing.
            message Thing { // and its trailing note
              // Its id.
              string id = 1;
              repeated string tags = 2; // trailing only
              map<string, Thing> children = 3 [deprecated = true];
              reserved 4, 5;
              optional int64 size_ms = 6;
              // Leading.
              oneof shape {
                // Round.
                double radius = 7;
                Thing other = 8;
              }
            }

            message WatchRequest {}

            enum Colour {
              COLOUR_UNSPECIFIED = 0;
              // Red, as in stop.
              COLOUR_RED = 1; // and hot
            }
            """;

    @Test
    void leadingAndTrailingCommentsDocumentTheirDeclaration() {
        ProtoFile file = ProtoParser.parse("demo/v1/demo.proto", SAMPLE);

        assertThat(file.packageName()).isEqualTo("demo.v1");
        assertThat(file.imports()).containsExactly("demo/v1/other.proto");
        assertThat(file.comment().lines()).containsExactly("The file's comment.", "", "- first point", "  continued");

        assertThat(file.services()).singleElement().satisfies(service -> {
            assertThat(service.comment()).isEqualTo(comment("Does things."));
            assertThat(service.rpcs()).containsExactly(
                    new Rpc("Watch", comment("Streams things."), "WatchRequest", false, "Thing", true),
                    new Rpc("Bare", Comment.NONE, "Thing", true, "Thing", false));
        });

        Message thing = file.messages().get(0);
        assertThat(thing.comment().lines()).containsExactly("One thing.", "", "and its trailing note");
        assertThat(thing.fields()).containsExactly(
                new Field("id", "string", 1, "", "", comment("Its id.")),
                new Field("tags", "string", 2, "repeated", "", comment("trailing only")),
                new Field("children", "map<string, Thing>", 3, "", "", Comment.NONE),
                new Field("size_ms", "int64", 6, "optional", "", Comment.NONE),
                new Field("radius", "double", 7, "", "shape", comment("Round.")),
                new Field("other", "Thing", 8, "", "shape", Comment.NONE));
        assertThat(thing.oneofs()).singleElement().satisfies(oneof -> {
            assertThat(oneof.comment()).isEqualTo(comment("Leading."));
            assertThat(oneof.fields()).containsExactly("radius", "other");
        });
        assertThat(file.messages().get(1).fields()).isEmpty();

        EnumType colour = file.enums().get(0);
        assertThat(colour.values()).extracting(v -> v.name() + "=" + v.number())
                .containsExactly("COLOUR_UNSPECIFIED=0", "COLOUR_RED=1");
        assertThat(colour.values().get(1).comment().lines()).containsExactly("Red, as in stop.", "", "and hot");
    }

    @Test
    void aTopLevelCommentWithABlankLineAfterItIsASectionWhereItStands() {
        ProtoFile file = ProtoParser.parse("demo/v1/demo.proto", SAMPLE);

        assertThat(file.elements()).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("Service", "Section", "Message", "Message", "EnumType");
        assertThat(((Section) file.elements().get(1)).comment()).isEqualTo(comment("---- things ----"));
    }

    @Test
    void aCommentInsideABlockThatDocumentsNothingIsRefusedWithItsLine() {
        String detached = """
                syntax = "proto3";
                message M {
                  // Lost: a blank line follows.

                  string a = 1;
                }
                """;
        String beforeBrace = """
                syntax = "proto3";
                message M {
                  string a = 1;
                  // Lost: nothing follows.
                }
                """;

        assertThatThrownBy(() -> ProtoParser.parse("d.proto", detached)).isInstanceOf(ProtoSyntaxException.class)
                .hasMessageStartingWith("d.proto:4: this comment documents nothing");
        assertThatThrownBy(() -> ProtoParser.parse("d.proto", beforeBrace)).isInstanceOf(ProtoSyntaxException.class)
                .hasMessageStartingWith("d.proto:4: this comment documents nothing");
    }

    @Test
    void whatTheReferenceCannotShowIsRefusedRatherThanLeftOut() {
        assertThatThrownBy(() -> ProtoParser.parse("n.proto", """
                syntax = "proto3";
                message Outer {
                  message Inner {}
                }
                """)).hasMessage("n.proto:3: 'message' inside message Outer is not supported by the API reference "
                + "generator: declare types at the top level (or teach dev.vnet.apidoc.ProtoParser about it)");
        assertThatThrownBy(() -> ProtoParser.parse("p.proto", "syntax = \"proto2\";\n"))
                .hasMessage("p.proto:1: only proto3 is supported, not 'proto2'");
        assertThatThrownBy(() -> ProtoParser.parse("b.proto", "syntax = \"proto3\";\n/* old style */\n"))
                .hasMessage("b.proto:2: block comments (/* */) are not supported: use //");
        assertThatThrownBy(() -> ProtoParser.parse("s.proto", "message M {}\n"))
                .hasMessageContaining("only proto3 files are supported");
        assertThatThrownBy(() -> ProtoParser.parse("e.proto", "syntax = \"proto3\";\nmessage M {\n  string a = ;\n}\n"))
                .hasMessage("e.proto:3: expected a number, found ';'");
    }

    private static Comment comment(String... lines) {
        return new Comment(List.of(lines));
    }
}
