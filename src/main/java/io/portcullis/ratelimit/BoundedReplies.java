package io.portcullis.ratelimit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * What Redis sends to {@link RedisConnections}, held to the size of a reply of ours before Jedis reads it
 * (#14, session 9; anything a peer sends is hostile). Jedis reserves a reply's declared length or count
 * before reading it ({@code $2147483647} is an {@link OutOfMemoryError}) and reads a line until its end:
 * a peer that is not Redis (a wrong URL) could make every call reserve gigabytes. This stream watches the
 * type byte and header line of every reply and item (RESP2 and RESP3 alike: a reply is a flat run of
 * items, each a type byte and a line, a bulk one followed by its bytes) and fails the read, an
 * {@link IOException} that Jedis reports as a broken connection, when a bulk is over {@link #MAX_BULK}
 * bytes, an aggregate over {@link #MAX_ITEMS} items or a line over {@link #MAX_LINE} characters. The
 * bytes themselves pass to Jedis unchanged.
 */
final class BoundedReplies extends FilterInputStream {
    static final long MAX_BULK = 1 << 20; // a reply of ours is a few bytes: anything bigger is not Redis
    static final long MAX_ITEMS = 1024;
    static final int MAX_LINE = 4096;
    private static final String BULK = "$=!";
    private static final String AGGREGATE = "*%~>|";

    private int type = -1; // the type byte of the item being read, -1 before one
    private int lineLength;
    private long number; // the header line's number, when it is one
    private boolean negative;
    private boolean numeric = true;
    private long skip; // bytes of a bulk (and its CRLF) still to pass

    BoundedReplies(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            see(b);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        for (int i = 0; i < n; i++) {
            see(buf[off + i] & 0xff);
        }
        return n;
    }

    private void see(int b) throws IOException {
        if (skip > 0) {
            skip--;
        } else if (type < 0) {
            type = b;
            lineLength = 0;
            number = 0;
            negative = false;
            numeric = true;
        } else if (b == '\n') {
            line();
        } else if (++lineLength > MAX_LINE) {
            throw new IOException("a reply line of over " + MAX_LINE + " characters is not Redis's");
        } else if (b == '-' && lineLength == 1) {
            negative = true;
        } else if (b >= '0' && b <= '9' && numeric) {
            number = Math.min(Long.MAX_VALUE / 20, number * 10 + (b - '0'));
        } else if (b != '\r') {
            numeric = false;
        }
    }

    private void line() throws IOException {
        boolean count = numeric && !negative && lineLength > 0;
        if (count && BULK.indexOf(type) >= 0) {
            if (number > MAX_BULK) {
                throw new IOException("a reply of " + number + " bytes is not one of this client's");
            }
            skip = number + 2;
        } else if (count && AGGREGATE.indexOf(type) >= 0 && number > MAX_ITEMS) {
            throw new IOException("not a reply of Redis to this client (an aggregate of " + number + " items)");
        }
        type = -1;
    }
}
