package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** What a script reads from the exit code: the HTTP status of the gateway's problem document. */
class ExitCodesTest {

    private final ObjectMapper json = new ObjectMapper();

    private Problem problem(int status, String body) {
        return Problem.parse(status, "application/problem+json", body, json);
    }

    @Test
    void eachProblemStatusHasItsExitCode() {
        assertEquals(2, problem(400, "{\"title\":\"Invalid request\",\"status\":400,\"detail\":\"bad\"}").exitCode());
        assertEquals(2, problem(413, "{\"status\":413}").exitCode());
        assertEquals(3, problem(401, "{\"status\":401}").exitCode());
        assertEquals(3, problem(403, "{\"status\":403}").exitCode());
        assertEquals(4, problem(404, "{\"status\":404}").exitCode());
        assertEquals(1, problem(409, "{\"status\":409}").exitCode());
        assertEquals(1, problem(500, "{\"status\":500}").exitCode());
        assertEquals(1, problem(501, "{\"status\":501}").exitCode());
        for (int unavailable : new int[] {429, 502, 503, 504}) {
            assertEquals(5, problem(unavailable, "{\"status\":" + unavailable + "}").exitCode(), "HTTP " + unavailable);
        }
    }

    @Test
    void theDocumentsStatusWinsOverTheAnswers() {
        // a proxy may answer 502 around a document; the gateway's own status is in the body
        assertEquals(4, problem(502, "{\"status\":404,\"detail\":\"no package\"}").exitCode());
    }

    @Test
    void aBodyThatIsNoProblemDocumentIsToldByItsStatus() {
        Problem html = Problem.parse(503, "text/html", "<html>down</html>", json);
        assertEquals(5, html.exitCode());
        assertEquals("HTTP 503 (503)", html.describe());
        assertEquals(1, Problem.parse(500, "application/json", "{not json", json).exitCode());
    }

    @Test
    void theDetailAndEveryFieldAtFaultAreDescribed() {
        Problem p = problem(400, "{\"title\":\"Invalid request\",\"status\":400,\"detail\":\"2 fields\","
                + "\"errors\":[{\"field\":\"schemas[0]\",\"message\":\"must not be blank\"},"
                + "{\"field\":\"limit\",\"message\":\"must be at most 500\"}]}");
        String text = p.describe();
        assertTrue(text.startsWith("Invalid request (400): 2 fields"), text);
        assertTrue(text.contains("schemas[0]: must not be blank"), text);
        assertTrue(text.contains("limit: must be at most 500"), text);
    }

    @Test
    void sidecarStatusesMapLikeTheGatewaysTableInReverse() {
        assertEquals(0, ExitCodes.ofGrpc(Status.Code.OK));
        assertEquals(2, ExitCodes.ofGrpc(Status.Code.INVALID_ARGUMENT));
        assertEquals(3, ExitCodes.ofGrpc(Status.Code.UNAUTHENTICATED));
        assertEquals(3, ExitCodes.ofGrpc(Status.Code.PERMISSION_DENIED));
        assertEquals(4, ExitCodes.ofGrpc(Status.Code.NOT_FOUND));
        assertEquals(5, ExitCodes.ofGrpc(Status.Code.UNAVAILABLE));
        assertEquals(5, ExitCodes.ofGrpc(Status.Code.DEADLINE_EXCEEDED));
        assertEquals(1, ExitCodes.ofGrpc(Status.Code.FAILED_PRECONDITION));
        assertEquals(1, ExitCodes.ofGrpc(Status.Code.INTERNAL));
    }
}
