package io.lizsync.gateway.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.gateway.NoDownstream;
import io.lizsync.grpckit.auth.Caller;
import io.lizsync.testkit.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The overview's shared poller: every watcher gets the same updates (here: central is away, so
 * the update says so and keeps no rows), it runs only while someone watches, and a watcher whose
 * access token is about to expire is let go (their browser reconnects with the cookie).
 */
@QuarkusTest
@TestProfile(NoDownstream.class)
class OverviewFeedTest {

    @Inject
    OverviewFeed feed;

    static Caller caller(String login, Instant expiresAt) {
        return new Caller(login, login, Set.of("operator"), expiresAt, TestKeys.get().token(login, "operator"));
    }

    @Test
    void watchersShareOnePollerThatStopsWhenNobodyWatches() {
        Instant hour = Instant.now().plus(Duration.ofHours(1));
        var anne = feed.watch(caller("anne", hour)).subscribe().withSubscriber(AssertSubscriber.create(10));
        var bert = feed.watch(caller("bert", hour)).subscribe().withSubscriber(AssertSubscriber.create(10));
        anne.awaitItems(1, Duration.ofSeconds(20));
        bert.awaitItems(1, Duration.ofSeconds(20));
        OverviewFeed.Update update = anne.getItems().get(0);
        assertEquals(update, bert.getItems().get(0), "the same update for both");
        assertNull(update.rows());
        assertTrue(update.problem().contains("UNAVAILABLE"), update.problem());
        assertEquals(2, feed.watchers());
        anne.cancel();
        assertEquals(1, feed.watchers());
        bert.cancel();
        assertEquals(0, feed.watchers());
    }

    @Test
    void aWatcherWhoseAccessTokenExpiresIsLetGo() {
        var soon = feed.watch(caller("carl", Instant.now().plusSeconds(3))).subscribe().withSubscriber(AssertSubscriber.create(10));
        soon.awaitCompletion(Duration.ofSeconds(20));
        assertEquals(0, feed.watchers());
    }
}
