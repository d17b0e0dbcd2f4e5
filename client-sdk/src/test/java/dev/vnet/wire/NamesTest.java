package dev.vnet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void acceptsWhatTheContractAllows() {
        assertThat(Names.idProblem("uuid", "room-1:eu@acme.io_2")).isNull();
        assertThat(Names.optionalIdProblem("uuid", "")).isNull();
        assertThat(Names.kindProblem("kind", "chat.v2_x-y")).isNull();
        assertThat(Names.labelsProblem("labels", List.of("tenant=acme", "prod"))).isNull();
        assertThat(Names.operationProblem("operation", "put")).isNull();
    }

    @Test
    void refusesWithAMessageNamingTheFieldAndTheRule() {
        assertThat(Names.idProblem("uuid", "")).isEqualTo("uuid is required");
        assertThat(Names.idProblem("uuid", "a b")).contains("uuid 'a b'").contains("[A-Za-z0-9._:@-]");
        assertThat(Names.idProblem("uuid", "x".repeat(129))).contains("129 characters").contains("128");
        assertThat(Names.kindProblem("kind", "Chat")).contains("lower-case");
        assertThat(Names.kindProblem("kind", "-chat")).contains("starting with a letter or digit");
        assertThat(Names.labelsProblem("labels", List.of("two words"))).contains("white space");
        assertThat(Names.labelsProblem("labels", Collections.nCopies(33, "x"))).contains("33 labels");
        assertThat(Names.operationProblem("operation", "tab\there")).contains("control characters");
    }

    @Test
    void neverEchoesControlCharactersOrHugeValuesBack() {
        String problem = Names.idProblem("uuid", "\u0000\u0007" + "y".repeat(60));
        assertThat(problem).doesNotContain("\u0000").contains("...");
    }

    @Test
    void firstPicksTheFirstProblem() {
        assertThat(Names.first(null, "b", "c")).isEqualTo("b");
        assertThat(Names.first(null, null)).isNull();
    }
}
