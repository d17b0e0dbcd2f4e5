package dev.vnet.network.rest;

import dev.vnet.network.admin.AdminOperations;
import dev.vnet.security.Authorization;
import dev.vnet.security.Principal;
import dev.vnet.network.events.EventHub;
import dev.vnet.proto.v1.Event;
import dev.vnet.proto.v1.EventKind;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The network's events as a stream of named messages for {@code /api/v1/events}: each registry event as it happens
 * (name: its kind, e.g. {@code migration_started}; data: the {@link Event} as JSON), and an {@code overview} every
 * interval. The stream ends when this replica stops leading (the reader reconnects, and is told where the leader
 * is) and when its reader falls too far behind.
 */
public final class EventFeed {

    /** One message: its SSE event name and its JSON data. */
    public record Message(String name, String json) {}

    private final AdminOperations admin;
    private final int buffer;
    private final Duration interval;

    public EventFeed(AdminOperations admin, int buffer, Duration interval) {
        if (buffer < 1 || buffer > 1_000_000) {
            throw new IllegalArgumentException("vnet.console.event-buffer must be between 1 and 1000000; it is "
                    + buffer);
        }
        this.admin = admin;
        this.buffer = buffer;
        this.interval = interval;
    }

    /** The SSE name of an event kind: {@code EVENT_KIND_MIGRATION_STARTED} is {@code migration_started}. */
    public static String name(EventKind kind) {
        return kind.name().substring("EVENT_KIND_".length()).toLowerCase(Locale.ROOT);
    }

    /**
     * @param kinds the kinds to send; empty: every kind
     * @param overview what each {@code overview} message says, as JSON (asked at once, then every interval)
     */
    public Multi<Message> open(Set<EventKind> kinds, Principal reader, Supplier<CompletionStage<String>> overview) {
        Multi<Message> events = Multi.createFrom().<Message>emitter(emitter -> admin.watch(watcher(emitter, kinds,
                        reader))
                .whenComplete((added, failure) -> {
                    if (failure != null) {
                        emitter.fail(failure);
                    }
                }), buffer);
        Multi<Message> ticks = Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(interval)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> admin.leads()
                        ? Uni.createFrom().completionStage(overview.get()).map(json -> new Message("overview", json))
                        : Uni.createFrom().<Message>failure(new LeaderGone()));
        return Multi.createBy().merging().streams(events, ticks)
                .onFailure(LeaderGone.class).recoverWithCompletion();
    }

    private static EventHub.Watcher watcher(MultiEmitter<? super Message> emitter, Set<EventKind> kinds,
            Principal reader) {
        return event -> {
            if (emitter.isCancelled()) {
                return false;
            }
            if ((kinds.isEmpty() || kinds.contains(event.getKind())) && mayRead(reader, event)) {
                emitter.emit(new Message(name(event.getKind()), ProtoJson.of(event)));
            }
            return true;
        };
    }

    /**
     * A reader limited to a scope gets the events about containers in it, and those about the network itself
     * (agents, leadership); a migration event names its container by uuid only, so such a reader learns of moves
     * from the container's own updates.
     */
    private static boolean mayRead(Principal reader, Event event) {
        if (!Authorization.isScoped(reader)) {
            return true;
        }
        return switch (event.getSubjectCase()) {
            case CONTAINER -> Authorization.reaches(reader, event.getContainer().getKind(),
                    event.getContainer().getLabelsList());
            case MIGRATION -> false;
            default -> true;
        };
    }

    /** This replica no longer leads: its events stopped, and the reader must go to the new leader. */
    private static final class LeaderGone extends RuntimeException {

        private static final long serialVersionUID = 1L;

        LeaderGone() {
            super("this coordinator no longer leads", null, false, false);
        }
    }
}
