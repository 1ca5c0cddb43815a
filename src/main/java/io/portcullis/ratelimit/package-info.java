/**
 * #14 item 3 (C6.3): rate limits against abuse and runaway loops. Token buckets per principal,
 * client, tool or environment (filtered by risk class, principal kind and tool), a loop breaker
 * (the same tool with the same arguments from one principal), a concurrency limit per principal and
 * a limit on new sessions. Buckets live in process ({@link io.portcullis.ratelimit.LocalBuckets}) or
 * in Redis ({@link io.portcullis.ratelimit.RedisBuckets}, one Lua script per call over Jedis), shared by
 * every node of a cluster. See docs/rate-limits.md.
 */
package io.portcullis.ratelimit;
