package io.lizsync.gateway.rest.paging;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;

/**
 * For {@link Polled} lists: the body is written once to compute its tag; a caller whose
 * {@code If-None-Match} names it gets 304 and no body. {@code Cache-Control: private, no-cache}:
 * an answer depends on who asks, and must be revalidated.
 */
@Provider
@Polled
public class ETagFilter implements ContainerResponseFilter {

    @Inject
    ObjectMapper mapper;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) throws IOException {
        if (!"GET".equals(request.getMethod()) || response.getStatus() != 200 || response.getEntity() == null) {
            return;
        }
        byte[] body = mapper.writeValueAsBytes(response.getEntity());
        String etag = ETags.of(body);
        response.getHeaders().putSingle(HttpHeaders.ETAG, etag);
        response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, "private, no-cache");
        if (ETags.matches(request.getHeaderString(HttpHeaders.IF_NONE_MATCH), etag)) {
            response.setStatus(304);
            response.setEntity(null);
        } else {
            response.setEntity(body, response.getEntityAnnotations(), MediaType.APPLICATION_JSON_TYPE);
        }
    }
}
