package dev.vnet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void acceptsWhatTheContractAllows() {
        assertThat(Names.DEFAULT.idProblem("uuid", "room-1:eu@acme.io_2")).isNull();
        assertThat(Names.DEFAULT.optionalIdProblem("uuid", "")).isNull();
        assertThat(Names.DEFAULT.kindProblem("kind", "chat.v2_x-y")).isNull();
        assertThat(Names.DEFAULT.labelsProblem("labels", List.of("tenant=acme", "prod"))).isNull();
        assertThat(Names.DEFAULT.operationProblem("operation", "put")).isNull();
    }

    @Test
    void refusesWithAMessageNamingTheFieldAndTheRule() {
        assertThat(Names.DEFAULT.idProblem("uuid", "")).isEqualTo("uuid is required");
        assertThat(Names.DEFAULT.idProblem("uuid", "a b")).contains("uuid 'a b'").contains("[A-Za-z0-9._:@-]");
        assertThat(Names.DEFAULT.idProblem("uuid", "x".repeat(129))).contains("129 characters").contains("128");
        assertThat(Names.DEFAULT.kindProblem("kind", "Chat")).contains("lower-case");
        assertThat(Names.DEFAULT.kindProblem("kind", "-chat")).contains("starting with a letter or digit");
        assertThat(Names.DEFAULT.labelsProblem("labels", List.of("two words"))).contains("white space");
        assertThat(Names.DEFAULT.labelsProblem("labels", Collections.nCopies(33, "x"))).contains("33 labels");
        assertThat(Names.DEFAULT.operationProblem("operation", "tab\there")).contains("control characters");
    }

    @Test
    void checksEveryCharacterAgainstTheAsciiRules() {
        assertThat(Names.DEFAULT.idProblem("uuid", "caf\u00e9")).contains("outside");
        assertThat(Names.DEFAULT.idProblem("uuid", "a/b")).contains("outside");
        assertThat(Names.DEFAULT.kindProblem("kind", "9lives-")).isNull();
        assertThat(Names.DEFAULT.kindProblem("kind", ".hidden")).contains("starting with");
        assertThat(Names.DEFAULT.kindProblem("kind", "a:b")).contains("lower-case");
        assertThat(Names.DEFAULT.labelsProblem("labels", List.of("zone=\u00fc"))).contains("white space");
        assertThat(Names.DEFAULT.operationProblem("operation", "!~")).isNull();
        assertThat(Names.DEFAULT.operationProblem("operation", "del\u007f")).contains("control characters");
    }

    @Test
    void neverEchoesControlCharactersOrHugeValuesBack() {
        String problem = Names.DEFAULT.idProblem("uuid", "\u0000\u0007" + "y".repeat(60));
        assertThat(problem).doesNotContain("\u0000").contains("...");
    }

    @Test
    void firstPicksTheFirstProblem() {
        assertThat(Names.first(null, "b", "c")).isEqualTo("b");
        assertThat(Names.first(null, null)).isNull();
    }

    @Test
    void aNetworkMayTightenTheLimits() {
        Names strict = new Names(8, 2, 5);

        assertThat(strict.idProblem("uuid", "123456789")).contains("9 characters").contains("limit is 8");
        assertThat(strict.labelsProblem("labels", List.of("a", "b", "c"))).contains("3 labels; the limit is 2");
        assertThat(strict.labelsProblem("labels", List.of("abcdef"))).contains("6 characters; the limit is 5");
        assertThat(Names.DEFAULT.idProblem("uuid", "123456789")).isNull();
    }
}
