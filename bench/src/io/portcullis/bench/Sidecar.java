package io.portcullis.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The full-stack profile's local services (#20 item 1), JDK only like the rest of the load
 * generator, on one loopback port:
 * <ul>
 *   <li>a token issuer: an RSA key made at start, its JWKS at {@code /jwks}, and RS256 access tokens
 *       for {@code users} distinct users written to a file, one per line (issuer
 *       {@code http://127.0.0.1:PORT}, audience the gateway's resource URL, one hour long, a
 *       {@code jti} each, roles {@code [bench-user]}, client {@code bench-client}). The gateway
 *       verifies them as it verifies any issuer's: JWKS fetched over HTTP, signature, claims, then
 *       its token cache;</li>
 *   <li>an OTLP/HTTP sink: {@code POST /v1/traces} answered 200 (empty protobuf), the batches and
 *       bytes counted and printed at exit, so that tracing at 1% sampling really exports.</li>
 * </ul>
 * Usage: {@code Sidecar PORT AUDIENCE USERS TOKENS_FILE}.
 */
public final class Sidecar {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Sidecar PORT AUDIENCE USERS TOKENS_FILE");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String issuer = "http://127.0.0.1:" + port;
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"bench-1\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\""
                + b64(unsigned(pub.getModulus())) + "\",\"e\":\"" + b64(unsigned(pub.getPublicExponent())) + "\"}]}";
        long now = System.currentTimeMillis() / 1000;
        List<String> tokens = new ArrayList<>();
        for (int i = 1; i <= Integer.parseInt(args[2]); i++) {
            String payload = "{\"iss\":\"" + issuer + "\",\"sub\":\"bench-user-" + i + "\",\"aud\":\"" + args[1]
                    + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + ",\"jti\":\"bench-" + i + "-" + now
                    + "\",\"roles\":[\"bench-user\"],\"azp\":\"bench-client\",\"name\":\"Bench User " + i + "\"}";
            tokens.add(sign(keys, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"bench-1\"}", payload));
        }
        Files.write(Path.of(args[3]), tokens);

        AtomicLong batches = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/jwks", x -> answer(x, 200, "application/json", jwks.getBytes(StandardCharsets.UTF_8)));
        server.createContext("/v1/traces", x -> {
            bytes.addAndGet(x.getRequestBody().readAllBytes().length);
            batches.incrementAndGet();
            answer(x, 200, "application/x-protobuf", new byte[0]);
        });
        server.createContext("/", x -> answer(x, 404, "text/plain", new byte[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.printf(
                "[sidecar] OTLP sink received %d trace batches, %d bytes%n", batches.get(), bytes.get())));
        server.start();
        System.err.println("[sidecar] issuer " + issuer + " (JWKS at /jwks, " + tokens.size()
                + " user tokens) and OTLP sink listening on 127.0.0.1:" + port);
    }

    private static void answer(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getRequestBody().readAllBytes();
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
        x.close();
    }

    private static String sign(KeyPair keys, String header, String payload) throws Exception {
        String input = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(payload.getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(keys.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64(s.sign());
    }

    /** The big-endian magnitude without the sign byte Java adds (RFC 7518: unsigned). */
    private static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static String b64(byte[] b) {
        return B64.encodeToString(b);
    }
}
