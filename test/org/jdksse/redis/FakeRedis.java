package org.jdksse.redis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A fake Redis on a loopback port: it reads each command (an array of bulk strings) and answers
 * with the bytes its script returns for it, written whole, byte by byte, or cut short (then the
 * connection closes). Every command is recorded.
 */
final class FakeRedis implements AutoCloseable {
    /** An answer: the bytes, how to write them, and whether to close afterwards. */
    record Answer(byte[] bytes, boolean slow, boolean closing) {
        static Answer of(String raw) {
            return new Answer(raw.getBytes(StandardCharsets.UTF_8), false, false);
        }

        Answer byteByByte() {
            return new Answer(bytes, true, closing);
        }

        Answer thenClose() {
            return new Answer(bytes, slow, true);
        }

        /** No answer at all: the server keeps the connection open and silent. */
        static Answer silence() {
            return null;
        }
    }

    private final ServerSocket server;
    private final Function<List<String>, Answer> script;
    final List<List<String>> commands = new CopyOnWriteArrayList<>();

    private FakeRedis(Function<List<String>, Answer> script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    static FakeRedis answering(Function<List<String>, Answer> script) throws IOException {
        return new FakeRedis(script);
    }

    RedisUri uri() {
        return new RedisUri("127.0.0.1", server.getLocalPort(), null, null, 0);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                Object command = Resp.read(in);
                @SuppressWarnings("unchecked")
                List<String> args = (List<String>) command;
                commands.add(args);
                Answer answer = script.apply(args);
                if (answer == null) {
                    in.read();
                    return;
                }
                if (answer.slow()) {
                    for (byte b : answer.bytes()) {
                        out.write(b);
                        out.flush();
                    }
                } else {
                    out.write(answer.bytes());
                    out.flush();
                }
                if (answer.closing()) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
