/**
 * The call vocabulary (#12 item 4): what one call is ({@link io.portcullis.call.CallContext}, its
 * {@link io.portcullis.call.CallTrail} and {@link io.portcullis.call.Origin}), how a control handles
 * it ({@link io.portcullis.call.Stage}, {@link io.portcullis.call.CallHandler}), the way back to the
 * client ({@link io.portcullis.call.Relay}) and the one sealed error
 * ({@link io.portcullis.call.GatewayException}). A leaf: it imports no capability package (audit,
 * approval, readiness, pipeline, ingress); the capabilities import it. The chains that put stages
 * in order are assembled above it ({@code Chains} (root package)).
 */
package io.portcullis.call;
