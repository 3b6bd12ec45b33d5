package org.jdksse;

import java.io.IOException;
import java.util.List;

/**
 * The old name of {@link org.jdksse.testing.ScriptedServer}, kept only while {@code EventSourceTest}
 * imports it; delete this file once that test imports {@code org.jdksse.testing.ScriptedServer}.
 * (Not annotated {@code @Deprecated}: the build's {@code -Xlint:all -Werror} would refuse the test
 * that still uses it.)
 */
public final class ScriptedServer extends org.jdksse.testing.ScriptedServer {

    private ScriptedServer(List<Script> scripts) throws IOException {
        super(scripts);
    }

    /**
     * Starts a server that answers with these scripts in order.
     *
     * @param scripts the scripts, one per request
     * @return the running server
     * @throws IOException if the server cannot bind a loopback port
     */
    public static ScriptedServer start(Script... scripts) throws IOException {
        return new ScriptedServer(List.of(scripts));
    }
}
