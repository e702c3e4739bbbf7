package io.interlock.worker.props;

import static io.interlock.worker.props.BadStepRequests.ALICE;
import static io.interlock.worker.props.BadStepRequests.IDLE;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Task reads that have no answer but an error: an unknown task (ids with '#', '?', '/', '..', case,
 * invisible characters, over any limit) or step, an audit format or history run or list limit or
 * step wait that is not one, a path or method the API does not have.
 */
final class BadReadRequests {
  private BadReadRequests() {}

  static Arbitrary<BadRequest> all() {
    return Arbitraries.oneOf(unknownTask(), unknownStep(), badParameter(), noSuchEndpoint());
  }

  private static Arbitrary<BadRequest> unknownTask() {
    Arbitrary<String> ids =
        Arbitraries.oneOf(
            HostileBodyValues.hostileNames("task-1"),
            HostileBodyValues.hostileNames(IDLE),
            // Long ids, but within the 4 KiB request line every HTTP server allows.
            Arbitraries.integers().between(129, 1_300).map("t"::repeat));
    // RFC 3986 removes dot segments before a server sees them: "/api/tasks/." is the task list.
    return ids.filter(id -> !id.equals(".") && !id.equals(".."))
        .flatMap(
            id ->
                Arbitraries.of(
                        "", "/audit", "/audit?format=md", "/history", "/steps/s1?waitSeconds=1")
                    .map(
                        tail ->
                            BadRequest.get(
                                "unknown task '" + id + "'" + tail,
                                ALICE,
                                "/api/tasks/" + BadRequest.segment(id) + tail)));
  }

  /** A step the task does not have (the idle task has at most a few), waited for or not. */
  private static Arbitrary<BadRequest> unknownStep() {
    return Arbitraries.oneOf(
            HostileBodyValues.hostileNames("s1"), Arbitraries.of("s999", "S1", "s01", "1", "s-1"))
        .filter(id -> !id.equals(".") && !id.equals("..") && !id.equals("s1"))
        .flatMap(
            id ->
                Arbitraries.of("", "?waitSeconds=1")
                    .map(
                        tail ->
                            BadRequest.get(
                                "unknown step '" + id + "'" + tail,
                                ALICE,
                                "/api/tasks/" + IDLE + "/steps/" + BadRequest.segment(id) + tail)));
  }

  private static Arbitrary<BadRequest> badParameter() {
    // Not "١٢": a query parameter is text, and Java reads those digits as the number 12,
    // unambiguously.
    Arbitrary<String> notAnInteger =
        Arbitraries.of("abc", "1.5", "1e3", "18446744073709551621", "0x10", "-", "1 ");
    return Arbitraries.oneOf(
        Arbitraries.oneOf(
                Arbitraries.of("JSON", "md ", "html", "../json", "json#", "yaml", "text/markdown"),
                HostileBodyValues.hostileNames("json"),
                // Within the 4 KiB request line even when every character is percent-encoded.
                HostileBodyValues.over(128).map(s -> s.substring(0, Math.min(s.length(), 300))))
            .map(
                f ->
                    BadRequest.get(
                        "audit format '" + f + "'",
                        ALICE,
                        "/api/tasks/" + IDLE + "/audit?format=" + BadRequest.segment(f))),
        Arbitraries.oneOf(notAnInteger, Arbitraries.of("-1", "2", "99999", "2147483648"))
            .map(
                run ->
                    BadRequest.get(
                        "history run '" + run + "'",
                        ALICE,
                        "/api/tasks/" + IDLE + "/history?run=" + BadRequest.segment(run))),
        Arbitraries.oneOf(notAnInteger, Arbitraries.of("-1", "61", "3600", "2147483648"))
            .map(
                wait ->
                    BadRequest.get(
                        "step wait '" + wait + "'",
                        ALICE,
                        "/api/tasks/"
                            + IDLE
                            + "/steps/s1?waitSeconds="
                            + BadRequest.segment(wait))),
        notAnInteger.map(
            limit ->
                BadRequest.get(
                    "task list limit '" + limit + "'",
                    ALICE,
                    "/api/tasks?limit=" + BadRequest.segment(limit))));
  }

  private static Arbitrary<BadRequest> noSuchEndpoint() {
    return Arbitraries.of(
        BadRequest.get("GET on the steps of a task", ALICE, "/api/tasks/" + IDLE + "/steps"),
        BadRequest.get("GET on an approval", ALICE, "/api/tasks/" + IDLE + "/steps/s1/approve"),
        BadRequest.get("an unknown API path", ALICE, "/api/tasks/" + IDLE + "/nope"),
        BadRequest.get("an unknown API", ALICE, "/api/nope"),
        new BadRequest("DELETE on a task", ALICE, "DELETE", "/api/tasks/" + IDLE, null, null),
        new BadRequest(
            "PUT on a task",
            ALICE,
            "PUT",
            "/api/tasks/" + IDLE,
            "application/json",
            "{}".getBytes()));
  }
}
