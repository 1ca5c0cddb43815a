package io.portcullis.egress;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The prefilter's multi-keyword search (#13 item 1): Aho-Corasick compiled into a full DFA over
 * ASCII, case-insensitive, one table lookup per character. Written here rather than taken from
 * {@code org.ahocorasick:ahocorasick} (0.6.3, the current release), which was measured at about
 * 19 MB/s on text without a keyword (a boxed map lookup per character), an order of magnitude
 * short of the 200 MB/s target; docs/dependencies.md has the measurement. Keywords are ASCII
 * (the scanner runs detectors with other keywords on every text); characters outside ASCII never
 * match a keyword character.
 */
final class Keywords {
    /** Called for each occurrence: keyword index and the offsets of its first and last character. */
    interface Hit {
        void at(int keyword, int start, int end);
    }

    private final int[] delta;       // state * 128 + char -> state
    private final int[][] out;       // state -> keyword indices ending here (null: none)
    private final int[] lengths;

    Keywords(List<String> keywords) {
        lengths = new int[keywords.size()];
        List<int[]> go = new ArrayList<>();
        List<List<Integer>> outs = new ArrayList<>();
        go.add(new int[128]);
        Arrays.fill(go.get(0), -1);
        outs.add(new ArrayList<>());
        for (int k = 0; k < keywords.size(); k++) {
            String w = keywords.get(k).toLowerCase(Locale.ROOT);
            lengths[k] = w.length();
            int s = 0;
            for (int i = 0; i < w.length(); i++) {
                char c = w.charAt(i);
                if (c >= 128) {
                    throw new IllegalArgumentException("keyword is not ASCII: " + w);
                }
                if (go.get(s)[c] < 0) {
                    int[] row = new int[128];
                    Arrays.fill(row, -1);
                    go.add(row);
                    outs.add(new ArrayList<>());
                    go.get(s)[c] = go.size() - 1;
                }
                s = go.get(s)[c];
            }
            outs.get(s).add(k);
        }
        int states = go.size();
        int[] fail = new int[states];
        delta = new int[states * 128];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < 128; c++) {
            int t = go.get(0)[c];
            delta[c] = Math.max(t, 0);
            if (t > 0) {
                fail[t] = 0;
                queue.add(t);
            }
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            outs.get(s).addAll(outs.get(fail[s]));
            for (int c = 0; c < 128; c++) {
                int t = go.get(s)[c];
                if (t >= 0) {
                    fail[t] = delta[fail[s] * 128 + c];
                    delta[s * 128 + c] = t;
                    queue.add(t);
                } else {
                    delta[s * 128 + c] = delta[fail[s] * 128 + c];
                }
            }
        }
        out = new int[states][];
        for (int s = 0; s < states; s++) {
            if (!outs.get(s).isEmpty()) {
                out[s] = outs.get(s).stream().mapToInt(Integer::intValue).distinct().toArray();
            }
        }
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 128);
    }

    /** Every occurrence of every keyword in {@code text}, overlapping ones included, in one pass. */
    void search(String text, Hit hit) {
        search(text, hit, null, Integer.MAX_VALUE);
    }

    /**
     * The same pass also reports the runs of digits (spaces, dashes, dots, slashes, parentheses and
     * plus signs allowed between them, at most two in a row) that hold at least {@code minDigits}
     * digits: {@code runs.at(digits, start, end)}, {@code end} the offset after the last digit.
     */
    void search(String text, Hit hit, Hit runs, int minDigits) {
        int[] d = delta;
        int s = 0;
        int count = 0;
        int seps = 0;
        int start = 0;
        int lastDigit = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (count++ == 0) {
                    start = i;
                }
                seps = 0;
                lastDigit = i;
            } else if (count > 0) {
                if (seps < 2 && (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '+')) {
                    seps++;
                } else {
                    if (count >= minDigits && runs != null) {
                        runs.at(count, start, lastDigit + 1);
                    }
                    count = 0;
                    seps = 0;
                }
            }
            if (c >= 128) {
                s = 0;
                continue;
            }
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + 32);
            }
            s = d[(s << 7) | c];
            int[] o = out[s];
            if (o != null) {
                for (int k : o) {
                    hit.at(k, i - lengths[k] + 1, i);
                }
            }
        }
        if (count >= minDigits && runs != null) {
            runs.at(count, start, lastDigit + 1);
        }
    }
}
