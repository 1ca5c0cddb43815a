package io.portcullis.http;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The body of every error Jetty answers by itself (an HTTP request it cannot parse, headers too
 * large, a body cut short, a handler that failed): a JSON-RPC error, as on the rest of the MCP
 * endpoint, instead of Jetty's HTML page. Parser messages (4xx) are passed on; a server error
 * says only its status, so no exception text ever reaches the client.
 */
public final class JsonErrorPage implements Request.Handler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String message = HttpStatus.getMessage(status);
        if (status < 500 && request.getAttribute(ErrorHandler.ERROR_MESSAGE) instanceof String detail && !detail.isBlank()) {
            message = message + ": " + detail;
        }
        byte[] body = Json.bytes(Message.error(null, -32000, message, null));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
