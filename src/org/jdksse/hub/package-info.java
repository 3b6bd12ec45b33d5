/**
 * The standalone pub/sub hub and the {@code listen} command: a program, built on the module's
 * public APIs alone, and not exported (the jar's main class runs it).
 *
 * <ul>
 * <li>{@code Main}: the command line: the hub, or {@code listen}; the one place that calls {@code System.exit}.</li>
 * <li>{@code Hub}: binds, routes the HTTP API of DESIGN.md, and ends every stream on SIGTERM.</li>
 * <li>{@code HubOptions}: the flags and their {@code JDKSSE_} variables, each refused by name when wrong.</li>
 * <li>{@code Publisher}: {@code POST /events}: who may publish, a bounded body, a form or raw data.</li>
 * <li>{@code StatsFormat}: {@code /stats} as JSON and {@code /metrics} as Prometheus text.</li>
 * <li>{@code JsonString}: the hub's one JSON string writer, in ASCII or readable form.</li>
 * <li>{@code Listen}: {@code listen URL}: an EventSource that prints each event as one JSON line.</li>
 * <li>{@code console.html}: the web console at {@code /}.</li>
 * </ul>
 *
 * <p>A hub, a subscriber and a publish, from a shell:
 *
 * <pre>{@code
 * java -jar build/jdk-sse.jar --port 8080 &
 * java -jar build/jdk-sse.jar listen 'http://127.0.0.1:8080/events?topic=demo' &
 * curl -d 'data=hello' 'http://127.0.0.1:8080/events?topic=demo'
 * }</pre>
 */
package org.jdksse.hub;
