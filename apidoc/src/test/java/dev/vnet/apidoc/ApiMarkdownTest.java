package dev.vnet.apidoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How comments and types come out in the reference: links, tables, lists and escaping; and what protoc keeps of
 * the comments (leading, trailing, section headings between declarations) gets there.
 */
class ApiMarkdownTest {

    /** src/test/proto, as protoc compiled it. */
    private static final List<ProtoFile> SAMPLES = ApiDoc.read("samples.protoset");
    private static final ProtoFile FILE = sample("demo/v1/demo.proto");

    private final String markdown = ApiMarkdown.render(List.of(FILE), "../proto/demo/v1", "make docs");

    @Test
    void servicesAreTablesOfRpcsWithLinkedTypes() {
        assertThat(markdown).contains("### service Demo\n\n| RPC | Request | Response | Description |\n")
                .contains("| `Get` | [`GetRequest`](#message-getrequest) | stream [`Thing`](#message-thing) | "
                        + "Gets a thing.<br>- fast<br>- cheap |");
    }

    @Test
    void messagesAreTablesOfFieldsWithEveryComment() {
        assertThat(markdown).contains("### message Thing\n\nA thing; `a|b` and x&lt;y stay literal.\n")
                .contains("| `children` | 1 | repeated [`Thing`](#message-thing) | First paragraph.<br><br>Second one. |")
                .contains("| `colours` | 2 | map&lt;`string`, [`Colour`](#enum-colour)&gt; | By name. |")
                .contains("| `name` | 3 | `string` | (oneof `kind`) |")
                .contains("Oneof `kind`: at most one of `name` is set.")
                .contains("### message GetRequest\n\nNo fields.\n")
                .contains("| `COLOUR_UNSPECIFIED` | 0 |  |");
    }

    @Test
    void theFileCommentSectionsAndContentsAreThere() {
        assertThat(markdown).contains("- [demo.proto](#demoproto): service [Demo](#service-demo) (2 messages, 1 enum)")
                .contains("## demo.proto\n\nSource: [`demo/v1/demo.proto`](../proto/demo/v1/demo.proto).\n\nDemo file.\n")
                .contains("\n**things**\n")
                .contains("```bash\nmake docs\n```");
    }

    @Test
    void aPipeInsideATableCellIsEscaped() {
        ProtoFile piped = sample("p/p.proto");

        assertThat(ApiMarkdown.render(List.of(piped), "../p", "x")).contains("| `s` | 1 | `string` | One `a\\|b` or another. |");
    }

    static ProtoFile sample(String path) {
        return SAMPLES.stream().filter(file -> file.path().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void anchorsAreGithubs() {
        assertThat(ApiMarkdown.anchor("message ClientFrame")).isEqualTo("message-clientframe");
        assertThat(ApiMarkdown.anchor("agent_channel.proto")).isEqualTo("agent_channelproto");
    }
}
