package io.portcullis.approval;

import io.portcullis.identity.IdentityConfig.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code approvals:} section of the gateway config (C3.2, C3.3). Who may approve, how many
 * and for how long come from the policy rule ({@code require_approval}); this section says how
 * the caller waits and who hears about requests.
 *
 * @param waitFor          how long a call that needs an approval waits for the decision before it
 *                         gets an {@code isError} result naming the approval id
 * @param progressInterval how often a waiting call sends {@code notifications/progress} (when the
 *                         client gave a progress token)
 * @param page             whether the approver page {@code /admin/approvals} is served
 * @param webhook          where requests and decisions are announced; null for none
 */
public record ApprovalsConfig(Duration waitFor, Duration progressInterval, boolean page, Webhook webhook) {

    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(5);

    /** The defaults: wait 30 s, progress every 5 s, the page on, no webhook. */
    public static final ApprovalsConfig DEFAULTS = new ApprovalsConfig(DEFAULT_WAIT, DEFAULT_PROGRESS_INTERVAL, true, null);

    public enum Format { JSON, SLACK }

    /**
     * A webhook: a POST for every new request and every decision, retried with doubling backoff.
     *
     * @param url     http(s) URL
     * @param format  {@code json} (the request as the admin API shows it) or {@code slack} ({@code {"text": ...}})
     * @param headers extra headers, each read from an environment variable or a file at send time
     * @param retries attempts after the first one
     * @param backoff the wait before the first retry; it doubles for each next one (at most 1 min)
     * @param timeout per attempt
     */
    public record Webhook(URI url, Format format, Map<String, Secret> headers, int retries, Duration backoff,
                          Duration timeout) {
        public Webhook {
            headers = Map.copyOf(headers);
        }
    }
}
