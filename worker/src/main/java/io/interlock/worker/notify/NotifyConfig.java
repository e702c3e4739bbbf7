package io.interlock.worker.notify;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where approval requests are announced. Without a webhook URL nothing is sent. */
@ConfigMapping(prefix = "interlock.notify")
public interface NotifyConfig {

  /**
   * Slack-compatible incoming webhook (also Mattermost, Rocket.Chat, Teams workflows that accept
   * {@code {"text":...}}); empty = no notifications. Env: INTERLOCK_NOTIFY_WEBHOOK_URL.
   */
  Optional<String> webhookUrl();

  /** Upper bound for connecting to and answering one webhook post; a slower hook is abandoned. */
  @WithDefault("3s")
  Duration timeout();

  /** Base URL of the web page used in links, for example {@code https://interlock.example.com}. */
  @WithDefault("http://localhost:8080")
  String publicUrl();

  /** Also post a short line when a step stops waiting (approved, rejected, expired, blocked). */
  @WithDefault("true")
  boolean settled();
}
