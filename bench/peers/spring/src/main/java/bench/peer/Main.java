package bench.peer;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Spring MVC broadcaster on Tomcat: GET /events returns an SseEmitter kept in a set,
 * POST /publish sends the body to every emitter, the pattern of Spring's SseEmitter guides.
 * With {@code --heartbeat=SECONDS}, a scheduled task sends a comment to every emitter each interval.
 */
@SpringBootApplication
@RestController
public class Main {
    private final Set<SseEmitter> emitters = new CopyOnWriteArraySet<>();

    public static void main(String[] args) {
        SpringApplication.run(Main.class, args);
    }

    Main(@org.springframework.beans.factory.annotation.Value("${heartbeat:0}") long heartbeat) {
        if (heartbeat > 0) {
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor().scheduleAtFixedRate(() -> {
                for (SseEmitter emitter : emitters) {
                    try {
                        emitter.send(SseEmitter.event().comment(""));
                    } catch (IOException | IllegalStateException e) {
                        emitters.remove(emitter);
                    }
                }
            }, heartbeat, heartbeat, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @GetMapping("/events")
    public SseEmitter events() throws IOException {
        SseEmitter emitter = new SseEmitter(0L); // 0: never time out, the stream lives until the client leaves
        // Spring commits the response only with the first send: a comment now, so the client sees its 200 at once
        emitter.send(SseEmitter.event().comment("subscribed"));
        emitters.add(emitter);
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> emitters.remove(emitter));
        emitter.onError(e -> emitters.remove(emitter));
        return emitter;
    }

    @PostMapping("/publish")
    public String publish(@RequestBody String body) {
        for (SseEmitter emitter : emitters) {
            try {
                emitter.send(body);
            } catch (IOException | IllegalStateException e) {
                emitters.remove(emitter);
            }
        }
        return "ok";
    }
}
