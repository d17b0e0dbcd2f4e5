package dev.vnet.bench;

import dev.vnet.proto.v1.Payload;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Checks that an echo answers what was sent: its data and content type. Only every {@link #EVERY}th call is
 * compared, so that comparing large payloads does not weigh on the timed path; a wrong answer fails that call,
 * which the report counts as an error.
 */
final class SampledEchoCheck {

    /** One call in this many is compared. */
    static final int EVERY = 64;

    private SampledEchoCheck() {}

    /** {@code call}, with every {@link #EVERY}th reply compared with {@code sent} (the first one included). */
    static Supplier<CompletableFuture<?>> of(Supplier<CompletableFuture<Payload>> call, Payload sent) {
        AtomicLong calls = new AtomicLong();
        return () -> {
            CompletableFuture<Payload> reply = call.get();
            return calls.getAndIncrement() % EVERY == 0 ? reply.thenApply(answer -> check(answer, sent)) : reply;
        };
    }

    static Payload check(Payload answer, Payload sent) {
        if (!answer.getData().equals(sent.getData()) || !answer.getContentType().equals(sent.getContentType())) {
            throw new IllegalStateException("the echo answered " + answer.getData().size() + " bytes of '"
                    + answer.getContentType() + "', not the " + sent.getData().size() + " bytes of '"
                    + sent.getContentType() + "' it was sent");
        }
        return answer;
    }
}
