// Go net/http broadcaster for the jdk-sse benchmark: a goroutine and a buffered channel per subscriber.
// GET /events streams, POST /publish sends the body to every subscriber. Standard library only.
// Args: PORT [HEARTBEAT_SECONDS]: with a heartbeat, each stream gets a comment from its own ticker.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

var heartbeat time.Duration

type broker struct {
	mu      sync.Mutex
	clients map[chan []byte]struct{}
}

func (b *broker) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch := make(chan []byte, 256)
	b.mu.Lock()
	b.clients[ch] = struct{}{}
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.clients, ch)
		b.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	var tick <-chan time.Time
	if heartbeat > 0 {
		t := time.NewTicker(heartbeat)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-tick:
			if _, err := io.WriteString(w, ":\n\n"); err != nil {
				return
			}
			flusher.Flush()
		case msg := <-ch:
			if _, err := fmt.Fprintf(w, "data: %s\n\n", msg); err != nil {
				return
			}
			flusher.Flush()
		case <-r.Context().Done():
			return
		}
	}
}

func (b *broker) publish(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	for ch := range b.clients {
		select {
		case ch <- body:
		default: // a subscriber 256 events behind loses this one rather than stall the others
		}
	}
	b.mu.Unlock()
	io.WriteString(w, "ok")
}

func main() {
	port := "8080"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	if len(os.Args) > 2 {
		s, _ := strconv.Atoi(os.Args[2])
		heartbeat = time.Duration(s) * time.Second
	}
	b := &broker{clients: make(map[chan []byte]struct{})}
	http.HandleFunc("/events", b.events)
	http.HandleFunc("/publish", b.publish)
	fmt.Println("go peer listening on " + port)
	if err := http.ListenAndServe("127.0.0.1:"+port, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
