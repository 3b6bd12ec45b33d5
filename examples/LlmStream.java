// Run: java -cp build/jdk-sse.jar examples/LlmStream.java [port]
// Try: curl -N http://localhost:8080/v1/chat/completions -H 'Content-Type: application/json' \
//        -d '{"model":"demo","stream":true,"messages":[{"role":"user","content":"What is SSE?"}]}'
// Try: curl http://localhost:8080/stats     (interrupt the curl above: "cancelled" goes up at once)
// Try: open http://localhost:8080/ and ask: the answer appears word by word

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.jdksse.Sse;
import org.jdksse.SseOptions;

/** Streams a made-up model's answer token by token, the way OpenAI-compatible chat-completion APIs do. */
public class LlmStream {
    static final Pattern CONTENT = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4})*)\"");
    static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    static final AtomicLong answers = new AtomicLong(), completed = new AtomicLong(),
            cancelled = new AtomicLong(), tokens = new AtomicLong();

    public static void main(String[] args) throws IOException {
        HttpServer server = Sse.server(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        server.createContext("/v1/chat/completions", LlmStream::complete);
        server.createContext("/stats", exchange -> Sse.respond(exchange, 200, "application/json", "{\"answers\":" + answers
                + ",\"completed\":" + completed + ",\"cancelled\":" + cancelled + ",\"tokens\":" + tokens + "}"));
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/")) {
                Sse.respond(exchange, 200, "text/html; charset=utf-8", PAGE);
            } else {
                Sse.respond(exchange, 404, "not found: try / or POST /v1/chat/completions");
            }
        });
        server.start();
        System.out.println("LlmStream on http://localhost:" + server.getAddress().getPort() + "/");
    }

    static void complete(HttpExchange exchange) throws IOException {
        Question question = readQuestion(exchange);
        if (question == null) {
            return; // already answered with 405, 413 or 400
        }
        List<String> answer = generate(question.prompt());
        if (!question.stream()) {
            Sse.respond(exchange, 200, "application/json", "{\"object\":\"chat.completion\",\"model\":\"demo\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":" + json(String.join("", answer)) + "},\"finish_reason\":\"stop\"}]}");
            return;
        }
        // The SSE part: Sse.stream answers this POST with events; send() turns false once the client has gone.
        long n = answers.incrementAndGet();
        Sse.stream(exchange, SseOptions.defaults(), stream -> {
            int generated = 0;
            stream.send(chunk(n, "{\"role\":\"assistant\",\"content\":\"\"}", "null"));
            for (String token : answer) {
                Thread.sleep(50); // the "model" thinking: one token per 50 ms
                if (!stream.send(chunk(n, "{\"content\":" + json(token) + "}", "null"))) {
                    break; // the client left: stop generating here, not at the end of the answer
                }
                generated++;
                tokens.incrementAndGet();
            }
            if (stream.send(chunk(n, "{}", "\"stop\"")) && stream.send("[DONE]")) {
                completed.incrementAndGet();
            } else {
                cancelled.incrementAndGet();
                System.out.println("answer " + n + " cancelled after " + generated + " of " + answer.size() + " tokens: client gone");
            }
        });
    }

    static String chunk(long n, String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-" + n + "\",\"object\":\"chat.completion.chunk\",\"model\":\"demo\",\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}";
    }

    /** The "model": a fixed answer around the prompt, cut into tokens (a word and the space before it). */
    static List<String> generate(String prompt) {
        String answer = "You asked \"" + prompt.strip() + "\". Here is a deterministic answer, streamed one token at a time."
                + " Server-Sent Events are a plain HTTP response that never ends: the server writes one event"
                + " after another, each flushed as soon as it is ready, and the client reads them as they arrive.";
        return Pattern.compile("\\s*\\S+").matcher(answer).results().map(MatchResult::group).toList();
    }

    record Question(String prompt, boolean stream) {
    }

    /** Reads the last message and the stream flag, or answers 405, 413 or 400 itself and returns null. */
    static Question readQuestion(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            Sse.respond(exchange, 405, "use POST");
            return null;
        }
        String request = Sse.readText(exchange, 65_536);
        if (request == null) {
            return null;
        }
        // Not a JSON parser: enough for the shape this API takes, without a dependency.
        List<String> contents = CONTENT.matcher(request).results().map(m -> unescape(m.group(1))).toList();
        if (contents.isEmpty()) {
            Sse.respond(exchange, 400, "expected {\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"...\"}]}");
            return null;
        }
        return new Question(contents.getLast(), STREAM.matcher(request).find());
    }

    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                // a surrogate as an escape: a lone one, which a prompt may hold escaped, is valid JSON but not UTF-8
                default -> out.append(c < 0x20 || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    static String unescape(String json) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\') {
                c = json.charAt(++i);
                switch (c) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> { out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16)); i += 4; }
                    default -> out.append(c); // \" \\ \/
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>LlmStream</title>
            <textarea id="prompt" rows="3" cols="60">What is SSE?</textarea><br><button id="ask">Ask</button>
            <p id="answer" style="white-space: pre-wrap"></p>
            <script>
            const $ = id => document.getElementById(id);
            $('ask').onclick = async () => {
              $('answer').textContent = '';
              const response = await fetch('/v1/chat/completions', {method: 'POST', headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({model: 'demo', stream: true, messages: [{role: 'user', content: $('prompt').value}]})});
              if (!response.ok) return $('answer').textContent = await response.text();
              // EventSource cannot POST, so read the event stream by hand: frames end with a blank line.
              const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
              for (let buffer = '';;) {
                const {value, done} = await reader.read();
                if (done) return;
                const frames = (buffer += value).split('\\n\\n');
                buffer = frames.pop();
                for (const frame of frames) {
                  const data = frame.split('\\n').filter(line => line.startsWith('data: ')).map(line => line.slice(6)).join('\\n');
                  if (data === '[DONE]') return;
                  if (data) $('answer').textContent += JSON.parse(data).choices[0].delta.content ?? '';
                }
              }
            };
            </script>
            """;
}
