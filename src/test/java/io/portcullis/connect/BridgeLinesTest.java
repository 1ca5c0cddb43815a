package io.portcullis.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.JsonLines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * #12 small twins: {@code portcullis connect} reads its client's stdin with {@link JsonLines}: a
 * line over 16 MiB is cut unread and answered, garbage is answered with a parse error, and
 * neither is forwarded or ends the bridge. No gateway is needed: nothing here reaches it.
 */
class BridgeLinesTest {

    @Test
    @Timeout(60)
    void item12_anOverLongLineAndGarbageAreAnsweredAndNothingIsForwarded() throws Exception {
        byte[] huge = new byte[JsonLines.DEFAULT_MAX_LINE_BYTES + 1024];
        Arrays.fill(huge, (byte) 'x');
        huge[0] = '{';
        InputStream stdin = new SequenceInputStream(java.util.Collections.enumeration(List.of(
                new ByteArrayInputStream(huge),
                new ByteArrayInputStream("\nnot json\n\n  \n".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayInputStream(new byte[] {'{', (byte) 0xFF, '}', '\n'}))));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        // a gateway URL nobody listens on: a forwarded message would be answered "cannot be reached"
        new Bridge(URI.create("http://127.0.0.1:9/mcp"), HttpClient.newHttpClient(), null, stdin, stdout,
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        List<JsonNode> answers = new ArrayList<>();
        for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
            answers.add(Json.parse(line));
        }
        assertThat(answers).hasSize(3);
        assertThat(answers.get(0).path("error").path("code").asInt()).isEqualTo(-32000);
        assertThat(answers.get(0).path("error").path("message").asString()).contains("over " + JsonLines.DEFAULT_MAX_LINE_BYTES + " bytes");
        assertThat(answers.get(1).path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(answers.get(2).path("error").path("code").asInt()).isEqualTo(-32700); // invalid UTF-8 is not JSON here
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("cannot be reached");
    }
}
