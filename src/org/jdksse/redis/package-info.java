/**
 * Scale-out on Redis Streams: an {@link org.jdksse.EventLog} that several hubs share, so that they
 * send the same events in the same order with the same ids, and a client resumes on any of them.
 *
 * <ul>
 *   <li>{@link org.jdksse.redis.RedisEventLog}: the log on one stream ({@code XADD},
 *       {@code XRANGE}, one {@code XREAD BLOCK} reader per process).</li>
 *   <li>A small RESP2 client on the JDK alone (package-private): sockets with connect and read
 *       timeouts, {@code AUTH}, {@code SELECT}, and one-line errors.</li>
 * </ul>
 *
 * <pre>{@code
 * EventLog log = RedisEventLog.connect(URI.create("redis://:secret@10.0.0.5:6379/0"), "jdksse", 10_000);
 * Broadcaster broadcaster = Broadcaster.builder().log(log).build();
 * }</pre>
 */
package org.jdksse.redis;
