package io.portcullis.approval;

import io.portcullis.identity.IdentityConfig.Secret;
import java.net.URI;
import io.portcullis.identity.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
 * @param emailIssuers     issuers whose {@code email} claim is verified and names a person
 *                         ({@code link_by_verified_email}): a principal of one of them is the
 *                         person of its address, so one person with subjects at two of them counts
 *                         once toward a quorum and never approves their own request (#11 item 15)
 */
public record ApprovalsConfig(Duration waitFor, Duration progressInterval, boolean page, Webhook webhook,
                              List<String> emailIssuers) {

    public ApprovalsConfig {
        emailIssuers = List.copyOf(emailIssuers);
    }

    public ApprovalsConfig(Duration waitFor, Duration progressInterval, boolean page, Webhook webhook) {
        this(waitFor, progressInterval, page, webhook, List.of());
    }

    /**
     * Who a principal is, as a person (#11 item 15): the lower-cased e-mail address when its issuer
     * is one whose e-mail claim is verified and it carries one; otherwise its issuer and subject
     * (never the subject alone: {@code alice} at two issuers may be two people).
     */
    public String person(Principal p) {
        if (p.email() != null && !p.email().isBlank() && p.issuer() != null && emailIssuers.contains(p.issuer())) {
            return "email:" + p.email().strip().toLowerCase(Locale.ROOT);
        }
        return "subject:" + (p.issuer() == null ? "" : p.issuer()) + "\n" + p.subject();
    }

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
