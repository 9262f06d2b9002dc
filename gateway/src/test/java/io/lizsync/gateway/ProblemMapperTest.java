package io.lizsync.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.lizsync.gateway.error.ProblemMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Downstream statuses as problem documents: a refused message is a 502 that says what to raise. */
class ProblemMapperTest {

    @Test
    void anAnswerOverTheGatewaysLimitIsA502NamingTheSetting() {
        var r = ProblemMapper.toResponse(Status.RESOURCE_EXHAUSTED
                .withDescription("gRPC message exceeds maximum size 16777216: 20000000").asRuntimeException(), 16777216);
        assertEquals(502, r.getStatus());
        String detail = (String) ((Map<?, ?>) r.getEntity()).get("detail");
        assertTrue(detail.contains("a service sent a message of 20000000 bytes (19.1 MiB)"), detail);
        assertTrue(detail.contains("Raise lizsync.gateway.max-message-bytes"), detail);
    }

    @Test
    void aServicesOwnResourceRuleStaysA429() {
        var r = ProblemMapper.toResponse(Status.RESOURCE_EXHAUSTED.withDescription("upload larger than the limit")
                .asRuntimeException(), 16777216);
        assertEquals(429, r.getStatus());
        assertEquals("upload larger than the limit", ((Map<?, ?>) r.getEntity()).get("detail"));
    }
}
