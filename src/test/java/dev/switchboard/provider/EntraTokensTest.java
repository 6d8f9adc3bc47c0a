package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The token cache on a clock the test moves: one fetch at a time, refresh before expiry, failures not kept. */
class EntraTokensTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final EntraTokens tokens = new EntraTokens(now::get);
  private final EntraTokens.Key key = new EntraTokens.Key("http://127.0.0.1:1/t/oauth2/v2.0/token", "t", "c");
  /** Fetches started and not yet answered, in order. */
  private final List<Promise<EntraTokens.Grant>> fetches = new ArrayList<>();
  private final Supplier<Future<EntraTokens.Grant>> fetch = () -> {
    Promise<EntraTokens.Grant> grant = Promise.promise();
    fetches.add(grant);
    return grant.future();
  };

  @Test
  void concurrent_requests_share_one_fetch_and_then_the_cached_token() {
    List<Future<String>> waiting = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      waiting.add(tokens.token(key, fetch));
    }
    assertEquals(1, fetches.size());
    assertTrue(waiting.stream().noneMatch(Future::isComplete));
    fetches.get(0).complete(new EntraTokens.Grant("tok-1", 3600));
    assertTrue(waiting.stream().allMatch(f -> "tok-1".equals(f.result())));
    now.addAndGet(2_879_000);
    assertEquals("tok-1", tokens.token(key, fetch).result());
    assertEquals(1, fetches.size(), "no fetch before 80% of the token's life");
  }

  @Test
  void past_the_refresh_point_one_refresh_runs_while_the_old_token_still_serves() {
    tokens.token(key, fetch);
    fetches.get(0).complete(new EntraTokens.Grant("tok-1", 3600));
    now.addAndGet(2_881_000);
    assertEquals("tok-1", tokens.token(key, fetch).result());
    assertEquals("tok-1", tokens.token(key, fetch).result());
    assertEquals(2, fetches.size(), "exactly one refresh in flight");
    fetches.get(1).complete(new EntraTokens.Grant("tok-2", 3600));
    assertEquals("tok-2", tokens.token(key, fetch).result());
    assertEquals(2, fetches.size());
  }

  @Test
  void a_token_near_its_expiry_is_not_used_requests_wait_for_the_new_one() {
    tokens.token(key, fetch);
    fetches.get(0).complete(new EntraTokens.Grant("tok-1", 3600));
    now.addAndGet(3_500_000);
    Future<String> waiting = tokens.token(key, fetch);
    assertFalse(waiting.isComplete());
    fetches.get(1).complete(new EntraTokens.Grant("tok-2", 3600));
    assertEquals("tok-2", waiting.result());
  }

  @Test
  void a_failed_fetch_fails_its_waiters_and_the_next_request_tries_again() {
    Future<String> first = tokens.token(key, fetch);
    Future<String> second = tokens.token(key, fetch);
    fetches.get(0).fail(new IllegalStateException("refused"));
    assertTrue(first.failed() && second.failed());
    Future<String> retry = tokens.token(key, fetch);
    assertEquals(2, fetches.size());
    fetches.get(1).complete(new EntraTokens.Grant("tok-2", 3600));
    assertEquals("tok-2", retry.result());
  }

  @Test
  void a_failed_refresh_keeps_the_valid_token() {
    tokens.token(key, fetch);
    fetches.get(0).complete(new EntraTokens.Grant("tok-1", 3600));
    now.addAndGet(3_000_000);
    assertEquals("tok-1", tokens.token(key, fetch).result());
    fetches.get(1).fail(new IllegalStateException("endpoint down"));
    assertEquals("tok-1", tokens.token(key, fetch).result());
    assertEquals(3, fetches.size(), "the next request past the refresh point tries again");
  }

  @Test
  void keys_are_separate() {
    tokens.token(key, fetch);
    tokens.token(new EntraTokens.Key(key.tokenUrl(), "t", "other-client"), fetch);
    assertEquals(2, fetches.size());
  }

  @Test
  void the_token_url_takes_a_host_or_a_url() {
    assertEquals("https://login.microsoftonline.com/t1/oauth2/v2.0/token", EntraTokenFetch.tokenUrl(null, "t1"));
    assertEquals("https://login.microsoftonline.us/t1/oauth2/v2.0/token", EntraTokenFetch.tokenUrl("login.microsoftonline.us", "t1"));
    assertEquals("http://127.0.0.1:9/t1/oauth2/v2.0/token", EntraTokenFetch.tokenUrl("http://127.0.0.1:9/", "t1"));
  }
}
