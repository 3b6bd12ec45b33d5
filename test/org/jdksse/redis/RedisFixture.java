package org.jdksse.redis;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** What the Redis log's test classes share: a real redis-server on a free loopback port, one per class. */
abstract class RedisFixture {
    static RedisServer redis;

    @BeforeAll
    static void startRedis() throws IOException {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws IOException {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}
