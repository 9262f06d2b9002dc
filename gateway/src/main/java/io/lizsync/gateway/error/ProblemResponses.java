package io.lizsync.gateway.error;

import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * The API document's error contract, written once: the {@code Problem} schema, and on every
 * operation the problem answers it can give (400 invalid input naming the fields, 401, 403, 404,
 * 409, 413, 429, 500, 502, 503). Registered with {@code mp.openapi.filter}.
 */
public class ProblemResponses implements OASFilter {

    static final Map<String, String> ERRORS = Map.of(
            "400", "Invalid input: the problem's errors name the fields",
            "401", "No credential, or one that is not valid",
            "403", "The caller's roles do not allow this operation (or a cookie-authenticated write lacks its CSRF token)",
            "404", "Unknown id",
            "409", "The operation conflicts with the current state (already exists, a precondition failed)",
            "413", "The body is larger than the API takes (1 MiB)",
            "429", "Too many attempts: wait as the detail says",
            "500", "Unexpected failure: the detail gives a reference for the administrator",
            "502", "A service answered something the gateway cannot take (the detail says what to raise)",
            "503", "A service the operation needs is not reachable");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents() == null ? OASFactory.createComponents() : openAPI.getComponents();
        components.addSchema("Problem", problemSchema());
        openAPI.setComponents(components);
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.getOperations().values().forEach(ProblemResponses::addErrors);
            }
        });
    }

    private static void addErrors(Operation op) {
        APIResponses responses = op.getResponses() == null ? OASFactory.createAPIResponses() : op.getResponses();
        ERRORS.forEach((status, description) -> responses.addAPIResponse(status, OASFactory.createAPIResponse()
                .description(description)
                .content(OASFactory.createContent().addMediaType(Problems.PROBLEM_JSON, OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref("#/components/schemas/Problem"))))));
        op.setResponses(responses);
    }

    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .addProperty("field", string).addProperty("message", string);
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem document; never a stack trace")
                .addProperty("type", string)
                .addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", string)
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError))
                .addProperty("reference", string)
                .addRequired("title").addRequired("status");
    }
}
