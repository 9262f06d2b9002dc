package io.lizsync.gateway.rest.paging;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.QueryParam;

/** The paging parameters every list takes: {@code limit} (1–500, default 50) and {@code pageToken}. */
public class PageRequest {

    public static final int DEFAULT = 50;
    public static final int MAX = 500;

    @QueryParam("limit")
    @Min(value = 1, message = "must be at least 1")
    @Max(value = MAX, message = "must be at most " + MAX)
    Integer limit;

    @QueryParam("pageToken")
    @Size(max = 1024, message = "is too long")
    @Pattern(regexp = "[A-Za-z0-9_=+/.:-]*", message = "is not a page token this API gave")
    String pageToken;

    public int size() {
        return limit == null ? DEFAULT : limit;
    }

    public String token() {
        return pageToken == null ? "" : pageToken;
    }
}
